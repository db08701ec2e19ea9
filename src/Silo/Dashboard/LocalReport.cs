using Synod.Grains.StatusBoard;

namespace Synod.Silo.Dashboard;

/// <summary>
/// What one silo tells a dashboard (<c>GET /dashboard/local</c>): its process figures, its
/// replicas' latest snapshots, its board's events and leader-change counts, and the request
/// latencies of its gateway since the caller's last poll.
/// </summary>
/// <param name="Silo">The silo's id.</param>
/// <param name="AtMs">Unix time of the report, in milliseconds.</param>
/// <param name="CpuPercent">CPU time the silo's process used since its previous report, in percent of one core.</param>
/// <param name="WorkingSetBytes">The process's working set.</param>
/// <param name="ManagedHeapBytes">Bytes of the managed heap in use.</param>
/// <param name="PoolThreads">Threads of the process's thread pool.</param>
/// <param name="SharedProcess">Whether several silos share the process (the dev cluster): then CPU and memory are the process's, not one silo's.</param>
/// <param name="Replicas">The replicas this silo hosts whose snapshot changed after the version the caller asked from (all for 0).</param>
/// <param name="BoardVersion">The board's version: what to ask from next time.</param>
/// <param name="ReplicaCount">Replicas on the board: a caller holding another number asks for all again.</param>
/// <param name="Events">Board events after the sequence the caller asked from.</param>
/// <param name="Latency">Completed seconds of gateway latencies after the second the caller asked from.</param>
public sealed record LocalReport(
    int Silo,
    long AtMs,
    double CpuPercent,
    long WorkingSetBytes,
    long ManagedHeapBytes,
    int PoolThreads,
    bool SharedProcess,
    IReadOnlyList<ReplicaStatusSnapshot> Replicas,
    long BoardVersion,
    int ReplicaCount,
    IReadOnlyList<ReplicaStatusEvent> Events,
    IReadOnlyList<LatencySecond> Latency);
