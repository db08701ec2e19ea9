using System.Diagnostics;
using Synod.Consensus.Raft;
using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.Raft;

/// <summary>
/// A client's command waiting for its entry to be applied: when it was accepted (for the commit
/// latency) and, when the request is traced, its <c>synod.raft.propose</c> span.
/// </summary>
internal sealed record PendingProposal(Term Term, TaskCompletionSource<ReplicaAnswer> Answer, long AcceptedTimestamp = 0, Activity? Span = null);
