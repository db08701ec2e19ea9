namespace Synod.Runtime.Storage;

/// <summary>
/// The checks a batch must pass on its own, before any store looks at the replica's log: sizes,
/// index range and contiguity. Every provider runs them when a batch is submitted, so bad input
/// is refused at once, before it reaches the writer.
/// </summary>
public static class ReplicaWriteValidator
{
    /// <summary>Largest log index a store keeps (SQL stores index as a signed 64-bit integer).</summary>
    public const ulong MaxIndex = long.MaxValue;

    /// <summary>Throws <see cref="StorageRejectedException"/> when the batch is malformed or oversized.</summary>
    public static void Check(ReplicaWriteBatch batch, ReplicaStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(options);
        DurableReplicaId replica = batch.Replica;
        if (replica.Value is null)
        {
            throw new ArgumentException("The batch names no replica.", nameof(batch));
        }

        CheckRecords(batch, options);
        if (batch.Metadata is { Length: var metadataBytes } && metadataBytes > options.MaxMetadataBytes)
        {
            throw Oversized(replica, $"metadata of {metadataBytes} bytes exceeds the limit of {options.MaxMetadataBytes}");
        }

        if (batch.Snapshot is { } snapshot)
        {
            if (snapshot.Data.Length > options.MaxSnapshotBytes)
            {
                throw Oversized(replica, $"snapshot of {snapshot.Data.Length} bytes exceeds the limit of {options.MaxSnapshotBytes}");
            }

            if (snapshot.Index is 0 or > MaxIndex)
            {
                throw new StorageRejectedException(StorageRejection.OutOfOrder, replica, $"snapshot index {snapshot.Index} is outside 1..{MaxIndex}");
            }
        }

        if (batch.TruncateFrom is { } from && from is 0 or > MaxIndex)
        {
            throw new StorageRejectedException(StorageRejection.InvalidTruncation, replica, $"truncation index {from} is outside 1..{MaxIndex}");
        }
    }

    private static void CheckRecords(ReplicaWriteBatch batch, ReplicaStoreOptions options)
    {
        IReadOnlyList<LogRecord> records = batch.Records ?? throw new ArgumentException("Records must not be null.", nameof(batch));
        if (records.Count > options.MaxRecordsPerBatch)
        {
            throw Oversized(batch.Replica, $"{records.Count} records exceed the limit of {options.MaxRecordsPerBatch} per batch");
        }

        long bytes = 0;
        for (int i = 0; i < records.Count; i++)
        {
            LogRecord record = records[i];
            if (record.Payload.Length > options.MaxRecordBytes)
            {
                throw Oversized(batch.Replica, $"record {record.Index} has {record.Payload.Length} bytes, over the limit of {options.MaxRecordBytes}");
            }

            if (record.Index is 0 or > MaxIndex)
            {
                throw new StorageRejectedException(StorageRejection.OutOfOrder, batch.Replica, $"record index {record.Index} is outside 1..{MaxIndex}");
            }

            if (i > 0 && record.Index != records[i - 1].Index + 1)
            {
                throw new StorageRejectedException(
                    StorageRejection.OutOfOrder,
                    batch.Replica,
                    $"record {record.Index} follows record {records[i - 1].Index}; records must be contiguous");
            }

            bytes += record.Payload.Length;
        }

        if (bytes > options.MaxGroupCommitBytes)
        {
            throw Oversized(batch.Replica, $"{bytes} record bytes exceed the group-commit limit of {options.MaxGroupCommitBytes}");
        }
    }

    private static StorageRejectedException Oversized(DurableReplicaId replica, string message) =>
        new(StorageRejection.Oversized, replica, message);
}
