namespace Synod.Consensus.Raft;

/// <summary>
/// One chunk of a snapshot sent to a follower whose next entry the leader has compacted away
/// (paper §7). Chunks are sent one at a time, in order, from <see cref="Offset"/>.
/// </summary>
public sealed record InstallSnapshot(ReplicaId From, ReplicaId To, Term Term, SnapshotMetadata Metadata, long Offset, ReadOnlyMemory<byte> Chunk, bool IsLastChunk)
    : RaftMessage(From, To, Term);
