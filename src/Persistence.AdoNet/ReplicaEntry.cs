using Synod.Runtime.Storage;

namespace Synod.Persistence.AdoNet;

/// <summary>What the writer knows of an open replica: its row id, checksum seed and log shape.</summary>
internal sealed class ReplicaEntry(DurableReplicaId replica, long rowId)
{
    public DurableReplicaId Replica { get; } = replica;

    public long RowId { get; } = rowId;

    public uint Seed { get; } = RecordChecksum.Seed(replica);

    /// <summary>The shape after every batch accepted so far (durable once their transaction commits).</summary>
    public ReplicaLogShape Shape { get; set; }

    /// <summary>The submission number the writer expects next from this replica.</summary>
    public long NextSequence { get; set; } = 1;

    /// <summary>Checksum of the replica's latest metadata record, or null when it has none.</summary>
    public uint? MetadataChecksum { get; set; }

    /// <summary>The state summary's checksum for the current shape and metadata.</summary>
    public long StateChecksum => RecordChecksum.OfState(Seed, Shape.LastIndex, Shape.SnapshotIndex, MetadataChecksum);
}
