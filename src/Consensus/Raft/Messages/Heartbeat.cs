namespace Synod.Consensus.Raft;

/// <summary>
/// The leader's periodic assertion of authority. <see cref="Commit"/> is capped at what the
/// follower is known to hold; <see cref="ReadRound"/> numbers the round so that ReadIndex requests
/// can be confirmed by a quorum of acknowledgements (thesis §6.4).
/// </summary>
public sealed record Heartbeat(ReplicaId From, ReplicaId To, Term Term, LogIndex Commit, ulong ReadRound)
    : RaftMessage(From, To, Term);
