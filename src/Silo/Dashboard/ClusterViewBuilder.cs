using Synod.Grains.StatusBoard;

namespace Synod.Silo.Dashboard;

/// <summary>
/// Turns the silos' reports and this silo's placement of every group into the dashboard's views:
/// per group its leader, indexes, lag, leader changes and health; per silo its replicas, leaders
/// and process figures. Pure: no I/O, so it is cheap to test and to run every second.
/// </summary>
internal static class ClusterViewBuilder
{
    /// <summary>Entries behind the leader beyond which a replica makes its group degraded.</summary>
    public const ulong LaggingEntries = 1000;

    /// <summary>Every group's view, in the order of <paramref name="placements"/>; <paramref name="find"/> gives a replica's latest snapshot (group, replica, the silo placed on).</summary>
    public static IReadOnlyList<GroupView> Groups(IReadOnlyList<PlacedGroup> placements, Func<string, ulong, int, ReplicaStatusSnapshot?> find) =>
        [.. placements.Select(p => Group(p, find))];

    /// <summary>One group's view from its replicas' latest snapshots.</summary>
    public static GroupView Group(PlacedGroup placement, Func<string, ulong, int, ReplicaStatusSnapshot?> find)
    {
        var found = new ReplicaStatusSnapshot?[placement.Replicas.Count];
        long sum = 0;
        long max = 0;
        for (int i = 0; i < found.Length; i++)
        {
            (ulong replica, int silo) = placement.Replicas[i];
            if ((found[i] = find(placement.Group, replica, silo)) is { } snapshot)
            {
                sum += snapshot.LeaderChanges;
                max = Math.Max(max, snapshot.LeaderChanges);
            }
        }

        // Raft: each election is counted by its winner, so the group's count is the sum; PBFT: every
        // replica enters every view, so it is the most any replica counted.
        return placement.Protocol == "pbft" ? Pbft(placement, found, max) : Raft(placement, found, sum);
    }

    /// <summary>The silos' views; <paramref name="replicasPerSilo"/> counts the replicas placed on each.</summary>
    public static IReadOnlyList<SiloView> Silos(IReadOnlyList<SiloPoll> polls, IReadOnlyDictionary<int, int> replicasPerSilo, IReadOnlyList<GroupView> groups) =>
        [.. polls.OrderBy(p => p.Silo).Select(p => new SiloView(
            p.Silo,
            p.HttpEndpoint,
            p.Report is not null,
            replicasPerSilo.GetValueOrDefault(p.Silo),
            groups.Count(g => g.LeaderSilo == p.Silo),
            p.Report?.CpuPercent ?? 0,
            Math.Round((p.Report?.WorkingSetBytes ?? 0) / 1048576.0, 1),
            Math.Round((p.Report?.ManagedHeapBytes ?? 0) / 1048576.0, 1),
            p.Report?.SharedProcess ?? false,
            p.Error))];

    /// <summary>Replicas placed on each silo.</summary>
    public static Dictionary<int, int> ReplicasPerSilo(IReadOnlyList<PlacedGroup> placements)
    {
        var counts = new Dictionary<int, int>();
        foreach (PlacedGroup placement in placements)
        {
            foreach ((ulong _, int silo) in placement.Replicas)
            {
                counts[silo] = counts.GetValueOrDefault(silo) + 1;
            }
        }

        return counts;
    }

    public static ClusterTotals Totals(IReadOnlyList<SiloView> silos, IReadOnlyList<GroupView> groups, long requestsPerSecond) => new(
        silos.Count(s => s.Up),
        silos.Count,
        groups.Count,
        groups.Sum(g => g.Replicas.Count),
        groups.Count(g => g.Leader is not null),
        groups.Count(g => g.Health == "ok"),
        groups.Count(g => g.Health == "degraded"),
        groups.Count(g => g.Health == "down"),
        requestsPerSecond);

    private static GroupView Raft(PlacedGroup placement, ReplicaStatusSnapshot?[] found, long leaderChanges)
    {
        ReplicaStatusSnapshot[] reporting = [.. found.Where(s => s is not null).Select(s => s!)];
        ulong maxTerm = reporting.Length == 0 ? 0 : reporting.Max(s => s.Term);

        // A deposed leader cut off from the others still believes it leads, at an older term.
        ReplicaStatusSnapshot? leader = reporting.Where(s => s.Role == "Leader" && s.Term == maxTerm).FirstOrDefault();
        ReplicaView[] replicas = [.. placement.Replicas.Select((r, i) => Replica(r.Replica, r.Silo, found[i], leader?.LastIndex))];
        ulong lag = Math.Max(replicas.Length == 0 ? 0 : replicas.Max(r => r.LagEntries), leader?.SlowestFollowerLagEntries ?? 0);
        string health = leader is null ? "down"
            : replicas.Any(r => r.Role is "Unreachable" or "Faulted") || lag > LaggingEntries ? "degraded"
            : "ok";
        return new GroupView(
            placement.Group, "raft", leader?.Replica, leader is null ? null : placement.Replicas.First(r => r.Replica == leader.Replica).Silo, maxTerm,
            leader?.Commit ?? Max(reporting, s => s.Commit), leader?.Applied ?? Max(reporting, s => s.Applied), lag, leaderChanges, health,
            reporting.Length > 0 && reporting.All(s => s.Quiet), replicas);
    }

    private static GroupView Pbft(PlacedGroup placement, ReplicaStatusSnapshot?[] found, long viewChanges)
    {
        ReplicaStatusSnapshot[] reporting = [.. found.Where(s => s is not null).Select(s => s!)];
        ReplicaStatusSnapshot[] settled = [.. reporting.Where(s => s.Role is "Primary" or "Backup")];
        ulong view = settled.Length == 0 ? Max(reporting, s => s.Term) : settled.Max(s => s.Term);
        int n = placement.Replicas.Count;
        int f = (n - 1) / 3;
        ulong? primary = settled.Length == 0 || n == 0 ? null : view % (ulong)n;
        ulong executed = Max(reporting, s => s.LastIndex);
        ReplicaView[] replicas = [.. placement.Replicas.Select((r, i) => Replica(r.Replica, r.Silo, found[i], executed))];
        int honest = settled.Count(s => s.Term == view && s.Byzantine.Length == 0);
        ulong lag = replicas.Length == 0 ? 0 : replicas.Max(r => r.LagEntries);
        string health = primary is null || honest < n - f ? "down"
            : replicas.Any(r => r.Role is not ("Primary" or "Backup") || r.Byzantine.Length > 0) || lag > LaggingEntries ? "degraded"
            : "ok";
        return new GroupView(
            placement.Group, "pbft", primary, primary is { } p ? placement.Replicas.First(r => r.Replica == p).Silo : null, view,
            executed, executed, lag, viewChanges, health, false, replicas);
    }

    private static ReplicaView Replica(ulong replica, int silo, ReplicaStatusSnapshot? snapshot, ulong? leaderLast) =>
        snapshot is null
            ? new ReplicaView(replica, silo, "Unreachable", 0, 0, 0, 0, 0, false, "")
            : new ReplicaView(
                replica, silo, snapshot.Role, snapshot.Term, snapshot.Commit, snapshot.Applied, snapshot.LastIndex,
                leaderLast is { } last && last > snapshot.LastIndex ? last - snapshot.LastIndex : 0, snapshot.Quiet, snapshot.Byzantine);

    private static ulong Max(ReplicaStatusSnapshot[] snapshots, Func<ReplicaStatusSnapshot, ulong> value) =>
        snapshots.Length == 0 ? 0 : snapshots.Max(value);
}
