namespace Synod.Consensus.Raft;

/// <summary>The answer to a <see cref="RequestVote"/>; a granted pre-vote echoes the probed term.</summary>
public sealed record VoteResponse(ReplicaId From, ReplicaId To, Term Term, bool IsPreVote, bool Granted)
    : RaftMessage(From, To, Term);
