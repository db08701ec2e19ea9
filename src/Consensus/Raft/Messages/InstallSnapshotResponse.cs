namespace Synod.Consensus.Raft;

/// <summary>
/// Acknowledges a snapshot chunk. <see cref="NextOffset"/> is the byte the follower expects next;
/// <see cref="Installed"/> says the whole snapshot is in place and the follower's log now ends at
/// <see cref="SnapshotIndex"/> or later.
/// </summary>
public sealed record InstallSnapshotResponse(ReplicaId From, ReplicaId To, Term Term, LogIndex SnapshotIndex, long NextOffset, bool Installed)
    : RaftMessage(From, To, Term);
