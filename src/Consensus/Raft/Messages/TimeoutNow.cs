namespace Synod.Consensus.Raft;

/// <summary>Tells an up-to-date follower to campaign at once: leadership transfer (thesis §3.10).</summary>
public sealed record TimeoutNow(ReplicaId From, ReplicaId To, Term Term)
    : RaftMessage(From, To, Term);
