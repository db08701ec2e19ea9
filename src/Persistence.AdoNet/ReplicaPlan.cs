using Synod.Runtime.Storage;

namespace Synod.Persistence.AdoNet;

/// <summary>
/// The net effect, on one replica, of every batch of one group commit. Batches of one replica
/// in one transaction are merged (a later truncation removes records an earlier batch appended,
/// a later snapshot replaces an earlier one), so the transaction issues each kind of statement at
/// most once per replica and deletes always precede inserts.
/// </summary>
internal sealed class ReplicaPlan(ReplicaEntry replica)
{
    public ReplicaEntry Replica { get; } = replica;

    /// <summary>Delete stored records at or above this index, or null.</summary>
    public long? TruncateFrom { get; private set; }

    /// <summary>Delete stored records at or below this index (a snapshot covers them), or null.</summary>
    public long? CompactThrough { get; private set; }

    public List<PlannedRecord> Records { get; } = [];

    public ReplicaSnapshot? Snapshot { get; private set; }

    public long SnapshotChecksum { get; private set; }

    public byte[]? Metadata { get; private set; }

    public long MetadataChecksum { get; private set; }

    public int Batches { get; private set; }

    /// <summary>Where the replica's log ends after the group (the writer has applied every batch to its shape).</summary>
    public long LastIndex => unchecked((long)Replica.Shape.LastIndex);

    /// <summary>The snapshot index after the group.</summary>
    public long SnapshotIndex => unchecked((long)Replica.Shape.SnapshotIndex);

    /// <summary>Checksum of the state summary row written with the group.</summary>
    public long StateChecksum => Replica.StateChecksum;

    /// <summary>Adds a batch that <see cref="ReplicaLogShape.Apply"/> has accepted.</summary>
    public void Add(ReplicaWriteBatch batch)
    {
        Batches++;
        uint seed = Replica.Seed;
        if (batch.Snapshot is { } snapshot)
        {
            long through = checked((long)snapshot.Index);
            Records.RemoveAll(r => r.Index <= through);
            CompactThrough = Math.Max(CompactThrough ?? 0, through);
            Snapshot = snapshot;
            SnapshotChecksum = RecordChecksum.OfSnapshot(seed, snapshot.Index, snapshot.Term, snapshot.Data.Span);
        }

        if (batch.TruncateFrom is { } truncateFrom)
        {
            long from = checked((long)truncateFrom);
            Records.RemoveAll(r => r.Index >= from);
            TruncateFrom = Math.Min(TruncateFrom ?? long.MaxValue, from);
        }

        foreach (LogRecord record in batch.Records)
        {
            uint checksum = RecordChecksum.OfRecord(seed, record.Index, record.Term, record.Kind, record.Payload.Span);
            Records.Add(new PlannedRecord(checked((long)record.Index), unchecked((long)record.Term), record.Kind, Bytes.Exact(record.Payload), checksum));
        }

        if (batch.Metadata is { } metadata)
        {
            Metadata = Bytes.Exact(metadata);
            uint checksum = RecordChecksum.OfMetadata(seed, metadata.Span);
            MetadataChecksum = checksum;
            Replica.MetadataChecksum = checksum;
        }
    }
}
