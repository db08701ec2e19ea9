namespace Synod.Consensus.Raft;

/// <summary>Acknowledges a <see cref="Heartbeat"/>, echoing its read round.</summary>
public sealed record HeartbeatResponse(ReplicaId From, ReplicaId To, Term Term, ulong ReadRound)
    : RaftMessage(From, To, Term);
