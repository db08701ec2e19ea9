using System.Collections.Immutable;

namespace Synod.Consensus.Pbft;

/// <summary>
/// The new primary's proof that 2f+1 replicas moved to <see cref="View"/>, and the pre-prepares it
/// derived from their view-change messages (Castro and Liskov §4.4); backups recompute and check them.
/// </summary>
public sealed record NewView(ReplicaIndex From, View View, ImmutableArray<ViewChange> ViewChanges, ImmutableArray<PrePrepare> PrePrepares)
    : PbftMessage(From);
