namespace Synod.Silo.Dashboard;

/// <summary>What every server-sent event of <c>GET /dashboard/events</c> carries.</summary>
/// <param name="Silo">The silo serving this dashboard.</param>
/// <param name="AtMs">Unix time of the collection, in milliseconds.</param>
/// <param name="Tick">Collections since the loop started (the page refetches its table on each).</param>
/// <param name="DevCluster">Whether the fault panel is available.</param>
/// <param name="Silos">Every silo.</param>
/// <param name="Totals">Totals.</param>
/// <param name="Latency">The last minutes of gateway requests, one point per second.</param>
/// <param name="Faults">The faults in force (dev cluster): cut links and Byzantine silos.</param>
public sealed record DashboardOverview(int Silo, long AtMs, long Tick, bool DevCluster, IReadOnlyList<SiloView> Silos, ClusterTotals Totals, IReadOnlyList<LatencyPoint> Latency, IReadOnlyList<string> Faults);
