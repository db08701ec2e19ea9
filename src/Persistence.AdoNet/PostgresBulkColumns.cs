namespace Synod.Persistence.AdoNet;

/// <summary>A group commit turned into one list per column, the shape PostgreSQL's <c>unnest</c> takes.</summary>
internal sealed class PostgresBulkColumns
{
    public PostgresBulkColumns(GroupCommitPlan plan)
    {
        foreach (ReplicaPlan replica in plan.Replicas)
        {
            Add(replica);
        }
    }

    public List<long> SnapshotReplicas { get; } = [];

    public List<long> SnapshotIndexes { get; } = [];

    public List<long> SnapshotTerms { get; } = [];

    public List<byte[]> SnapshotData { get; } = [];

    public List<long> SnapshotChecksums { get; } = [];

    public List<long> CompactReplicas { get; } = [];

    public List<long> CompactIndexes { get; } = [];

    public List<long> TruncateReplicas { get; } = [];

    public List<long> TruncateIndexes { get; } = [];

    public List<long> RecordReplicas { get; } = [];

    public List<long> RecordIndexes { get; } = [];

    public List<long> RecordTerms { get; } = [];

    public List<short> RecordKinds { get; } = [];

    public List<byte[]> RecordPayloads { get; } = [];

    public List<long> RecordChecksums { get; } = [];

    public List<long> StateWithMetadataReplicas { get; } = [];

    public List<byte[]> MetadataData { get; } = [];

    public List<long> MetadataChecksums { get; } = [];

    public List<long> StateWithMetadataLastIndexes { get; } = [];

    public List<long> StateWithMetadataSnapshotIndexes { get; } = [];

    public List<long> StateWithMetadataChecksums { get; } = [];

    public List<long> StateReplicas { get; } = [];

    public List<long> StateLastIndexes { get; } = [];

    public List<long> StateSnapshotIndexes { get; } = [];

    public List<long> StateChecksums { get; } = [];

    private void Add(ReplicaPlan plan)
    {
        long replica = plan.Replica.RowId;
        if (plan.Snapshot is { } snapshot)
        {
            SnapshotReplicas.Add(replica);
            SnapshotIndexes.Add(unchecked((long)snapshot.Index));
            SnapshotTerms.Add(unchecked((long)snapshot.Term));
            SnapshotData.Add(Bytes.Exact(snapshot.Data));
            SnapshotChecksums.Add(plan.SnapshotChecksum);
        }

        if (plan.CompactThrough is { } through)
        {
            CompactReplicas.Add(replica);
            CompactIndexes.Add(through);
        }

        if (plan.TruncateFrom is { } from)
        {
            TruncateReplicas.Add(replica);
            TruncateIndexes.Add(from);
        }

        foreach (PlannedRecord record in plan.Records)
        {
            RecordReplicas.Add(replica);
            RecordIndexes.Add(record.Index);
            RecordTerms.Add(record.Term);
            RecordKinds.Add(record.Kind);
            RecordPayloads.Add(record.Payload);
            RecordChecksums.Add(record.Checksum);
        }

        AddState(plan, replica);
    }

    private void AddState(ReplicaPlan plan, long replica)
    {
        if (plan.Metadata is { } metadata)
        {
            StateWithMetadataReplicas.Add(replica);
            MetadataData.Add(metadata);
            MetadataChecksums.Add(plan.MetadataChecksum);
            StateWithMetadataLastIndexes.Add(plan.LastIndex);
            StateWithMetadataSnapshotIndexes.Add(plan.SnapshotIndex);
            StateWithMetadataChecksums.Add(plan.StateChecksum);
        }
        else
        {
            StateReplicas.Add(replica);
            StateLastIndexes.Add(plan.LastIndex);
            StateSnapshotIndexes.Add(plan.SnapshotIndex);
            StateChecksums.Add(plan.StateChecksum);
        }
    }
}
