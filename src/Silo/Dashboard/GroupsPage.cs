namespace Synod.Silo.Dashboard;

/// <summary><c>GET /dashboard/api/groups</c>: one page of the groups table, after filtering and sorting on the server.</summary>
/// <param name="Total">Groups in the cluster.</param>
/// <param name="Matched">Groups that pass the filter.</param>
/// <param name="Offset">Index of the first row in the matched groups.</param>
/// <param name="Rows">The rows (without replicas).</param>
public sealed record GroupsPage(int Total, int Matched, int Offset, IReadOnlyList<GroupView> Rows);
