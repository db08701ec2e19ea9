namespace Synod.Consensus.Raft;

/// <summary>
/// A message between two replicas of one group. Every message carries the sender's term, which is
/// how stale leaders and candidates learn that they are stale (paper §5.1).
/// </summary>
public abstract record RaftMessage(ReplicaId From, ReplicaId To, Term Term);
