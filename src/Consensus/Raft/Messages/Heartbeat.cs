namespace Synod.Consensus.Raft;

/// <summary>
/// The leader's periodic assertion of authority. <see cref="Commit"/> is capped at what the
/// follower is known to hold; <see cref="ReadRound"/> numbers the round so that ReadIndex requests
/// can be confirmed by a quorum of acknowledgements (thesis §6.4). <see cref="Quiesce"/> tells a
/// follower whose log ends at <see cref="Commit"/> to go quiet (issue 6).
/// </summary>
public sealed record Heartbeat(ReplicaId From, ReplicaId To, Term Term, LogIndex Commit, ulong ReadRound, bool Quiesce = false)
    : RaftMessage(From, To, Term);
