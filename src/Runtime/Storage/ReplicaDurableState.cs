namespace Synod.Runtime.Storage;

/// <summary>
/// What a store hands back when a replica starts: everything that was made durable for it, every
/// record checked against its checksum and the log checked to be contiguous after the snapshot.
/// </summary>
/// <param name="Replica">The replica.</param>
/// <param name="Metadata">The latest metadata record, or null if none was ever saved.</param>
/// <param name="Snapshot">The latest snapshot, or null if none was ever saved.</param>
/// <param name="Records">The log after the snapshot, in index order.</param>
public sealed record ReplicaDurableState(
    DurableReplicaId Replica,
    ReadOnlyMemory<byte>? Metadata,
    ReplicaSnapshot? Snapshot,
    IReadOnlyList<LogRecord> Records)
{
    /// <summary>True when nothing was ever saved for the replica.</summary>
    public bool IsEmpty => Metadata is null && Snapshot is null && Records.Count == 0;

    /// <summary>Index of the last record, or of the snapshot when the log is empty, or 0.</summary>
    public ulong LastIndex => Records.Count > 0 ? Records[^1].Index : Snapshot?.Index ?? 0;
}
