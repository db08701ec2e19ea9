namespace Synod.Silo.Dashboard;

/// <summary>A silo on the dashboard's overview.</summary>
/// <param name="Id">The silo's id.</param>
/// <param name="HttpEndpoint">Where it serves HTTP (and its dashboard).</param>
/// <param name="Up">Whether it answered the last poll.</param>
/// <param name="Replicas">Replicas it hosts.</param>
/// <param name="Leaders">Raft leaders and PBFT primaries among them.</param>
/// <param name="CpuPercent">Its process's CPU, percent of one core.</param>
/// <param name="WorkingSetMb">Its process's working set, MiB.</param>
/// <param name="ManagedHeapMb">Its process's managed heap, MiB.</param>
/// <param name="SharedProcess">Several silos share the process (dev cluster).</param>
/// <param name="Error">Why the last poll failed, when it did.</param>
public sealed record SiloView(int Id, string HttpEndpoint, bool Up, int Replicas, int Leaders, double CpuPercent, double WorkingSetMb, double ManagedHeapMb, bool SharedProcess, string? Error);
