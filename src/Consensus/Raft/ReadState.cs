namespace Synod.Consensus.Raft;

/// <summary>
/// A confirmed linearizable read: once the state machine has applied <see cref="Index"/>, the host
/// may answer the read identified by <see cref="Context"/> from local state (thesis §6.4).
/// </summary>
public readonly record struct ReadState(LogIndex Index, ulong Context);
