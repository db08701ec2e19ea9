using Synod.Grains.StatusBoard;

namespace Synod.Silo.Dashboard;

/// <summary>One collection's result, immutable: what the endpoints answer from until the next.</summary>
/// <param name="Overview">The overview every event carries.</param>
/// <param name="OverviewJson">The overview, serialized once for every client.</param>
/// <param name="Groups">Every group, in natural name order.</param>
/// <param name="Events">The cluster's recent events, oldest first.</param>
/// <param name="CommitHistory">A group's (Unix second, leader commit index) of the recent collections, copied when asked (one group page at a time).</param>
internal sealed record ClusterSnapshot(
    DashboardOverview Overview,
    byte[] OverviewJson,
    IReadOnlyList<GroupView> Groups,
    IReadOnlyList<ReplicaStatusEvent> Events,
    Func<string, IReadOnlyList<long[]>> CommitHistory);
