using Synod.Consensus.Raft;

namespace Synod.Grains.Wire;

/// <summary>The fields every <see cref="RaftMessage"/> shares, read from an envelope and already checked.</summary>
internal readonly record struct WireHeader(ReplicaId From, ReplicaId To, Term Term);
