namespace Synod.Consensus.Raft;

/// <summary>
/// A candidate's request for a vote (paper §5.2), or with <see cref="IsPreVote"/> a pre-candidate's
/// probe that changes no one's term (thesis §9.6). <see cref="IsLeadershipTransfer"/> marks a
/// campaign started by <see cref="TimeoutNow"/>, which voters honour even while they still hear from
/// the old leader (thesis §3.10).
/// </summary>
public sealed record RequestVote(ReplicaId From, ReplicaId To, Term Term, LogPosition LastLog, bool IsPreVote, bool IsLeadershipTransfer)
    : RaftMessage(From, To, Term);
