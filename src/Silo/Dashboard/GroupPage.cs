using Synod.Grains.StatusBoard;

namespace Synod.Silo.Dashboard;

/// <summary><c>GET /dashboard/api/groups/{group}</c>: the group, its timeline and its recent commits per second.</summary>
/// <param name="Group">The group and its replicas.</param>
/// <param name="Timeline">Its elections, view changes, membership changes and faults, newest first.</param>
/// <param name="CommitsPerSecond">Its leader's commit index increase per collection, oldest first (Unix second, entries).</param>
public sealed record GroupPage(GroupView Group, IReadOnlyList<ReplicaStatusEvent> Timeline, IReadOnlyList<long[]> CommitsPerSecond);
