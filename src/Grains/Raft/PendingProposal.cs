using Synod.Consensus.Raft;
using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.Raft;

/// <summary>A client's command waiting for its entry to be applied.</summary>
internal sealed record PendingProposal(Term Term, TaskCompletionSource<ReplicaAnswer> Answer);
