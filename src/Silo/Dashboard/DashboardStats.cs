namespace Synod.Silo.Dashboard;

/// <summary><c>GET /dashboard/api/stats</c>: what the dashboard costs, for tests and operators.</summary>
/// <param name="Collections">Collections run on this silo (for its own dashboard) since it started.</param>
/// <param name="LocalReports">Reports this silo served to a dashboard (its own or a peer's).</param>
/// <param name="Clients">Event-stream clients connected now.</param>
/// <param name="Collecting">Whether the collection loop runs.</param>
/// <param name="BoardWatched">Whether this silo's replicas refresh their snapshots now.</param>
/// <param name="CollectionMicros">Wall time spent in collections (polls included), microseconds in all.</param>
/// <param name="LocalReportMicros">Time spent building reports for peers, microseconds in all.</param>
/// <param name="BuildMicros">Of the collections' time, what building the views took (polls excluded), microseconds in all.</param>
/// <param name="GroupsRebuilt">Group views the last collection rebuilt (the others did not change).</param>
public sealed record DashboardStats(long Collections, long LocalReports, int Clients, bool Collecting, bool BoardWatched, long CollectionMicros, long LocalReportMicros, long BuildMicros, int GroupsRebuilt);
