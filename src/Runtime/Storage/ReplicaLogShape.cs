namespace Synod.Runtime.Storage;

/// <summary>
/// Where a replica's durable log starts and ends, as a store tracks it between writes; checks a
/// batch against it and says where the log will be after the batch.
/// </summary>
/// <param name="SnapshotIndex">Index covered by the stored snapshot, or 0.</param>
/// <param name="LastIndex">Index of the last record, or <paramref name="SnapshotIndex"/> when the log is empty.</param>
public readonly record struct ReplicaLogShape(ulong SnapshotIndex, ulong LastIndex)
{
    // Invariant: SnapshotIndex <= LastIndex. Apply keeps it: a snapshot raises LastIndex to at least
    // its index, a truncation must start above the snapshot, and appends only raise LastIndex.

    /// <summary>The shape of a loaded replica.</summary>
    public static ReplicaLogShape Of(ReplicaDurableState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new ReplicaLogShape(state.Snapshot?.Index ?? 0, state.LastIndex);
    }

    /// <summary>
    /// Returns the shape after <paramref name="batch"/>, or throws <see cref="StorageRejectedException"/>
    /// when the batch does not fit this log (it was already checked on its own by <see cref="ReplicaWriteValidator"/>).
    /// </summary>
    public ReplicaLogShape Apply(ReplicaWriteBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ulong snapshotIndex = SnapshotIndex;
        ulong lastIndex = LastIndex;
        if (batch.Snapshot is { } snapshot)
        {
            if (snapshot.Index < snapshotIndex)
            {
                throw new StorageRejectedException(
                    StorageRejection.StaleSnapshot,
                    batch.Replica,
                    $"snapshot at index {snapshot.Index} is older than the stored snapshot at {snapshotIndex}");
            }

            snapshotIndex = snapshot.Index;
            lastIndex = Math.Max(lastIndex, snapshotIndex);
        }

        if (batch.TruncateFrom is { } from)
        {
            if (from <= snapshotIndex || from > lastIndex + 1)
            {
                throw new StorageRejectedException(
                    StorageRejection.InvalidTruncation,
                    batch.Replica,
                    $"cannot truncate from {from}: the log holds {snapshotIndex + 1}..{lastIndex} after a snapshot at {snapshotIndex}");
            }

            lastIndex = from - 1;
        }

        if (batch.Records.Count > 0)
        {
            ulong first = batch.Records[0].Index;
            if (first != lastIndex + 1)
            {
                throw new StorageRejectedException(
                    StorageRejection.OutOfOrder,
                    batch.Replica,
                    $"first record {first} does not follow the last stored index {lastIndex}");
            }

            lastIndex = batch.Records[^1].Index;
        }

        return new ReplicaLogShape(snapshotIndex, lastIndex);
    }
}
