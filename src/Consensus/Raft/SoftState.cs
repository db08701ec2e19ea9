namespace Synod.Consensus.Raft;

/// <summary>Volatile state the host may want to observe: who leads, and this replica's role.</summary>
public readonly record struct SoftState(ReplicaId Leader, RaftRole Role);
