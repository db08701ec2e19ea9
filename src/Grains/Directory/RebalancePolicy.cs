using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.Directory;

/// <summary>
/// The next replica move that brings a directory closer to its goal, as a pure function so it is
/// tested apart from the silo that carries it out: first every Raft replica off draining silos,
/// then, while the most loaded silo hosts two or more replicas more than the least loaded one, a
/// replica from the first to the second (never one that would narrow its group's spread over
/// failure domains). PBFT groups keep their placement (their membership is fixed at creation).
/// </summary>
public static class RebalancePolicy
{
    /// <summary>The next move, or null when there is nothing to do (or nothing that can be done).</summary>
    public static BeginMove? Next(ClusterDirectory directory, bool balance)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (directory.Moves.Count > 0)
        {
            return null;
        }

        HashSet<int> draining = [.. directory.Silos.Where(s => s.Draining).Select(s => s.Id)];
        foreach (GroupPlacement group in directory.Groups.Where(g => g.Protocol == "raft"))
        {
            ReplicaPlacement? off = group.Replicas.FirstOrDefault(r => draining.Contains(r.Silo));
            if (off is not null && PlacementPolicy.Choose(directory, [.. group.Replicas.Select(r => r.Silo)], 1) is not null)
            {
                return new BeginMove { Group = group.Group, FromReplica = off.Replica };
            }
        }

        return balance ? NextForBalance(directory) : null;
    }

    private static BeginMove? NextForBalance(ClusterDirectory directory)
    {
        Dictionary<int, int> load = PlacementPolicy.Loads(directory);
        SiloRecord[] eligible = [.. directory.Silos.Where(s => !s.Draining)];
        if (eligible.Length < 2)
        {
            return null;
        }

        SiloRecord most = eligible.OrderByDescending(s => load.GetValueOrDefault(s.Id)).ThenBy(s => s.Id).First();
        SiloRecord least = eligible.OrderBy(s => load.GetValueOrDefault(s.Id)).ThenBy(s => s.Id).First();
        if (load.GetValueOrDefault(most.Id) - load.GetValueOrDefault(least.Id) < 2)
        {
            return null;
        }

        Dictionary<int, SiloRecord> silos = directory.Silos.ToDictionary(s => s.Id);
        foreach (GroupPlacement group in directory.Groups.Where(g => g.Protocol == "raft"))
        {
            ReplicaPlacement? from = group.Replicas.FirstOrDefault(r => r.Silo == most.Id);
            if (from is null || group.Replicas.Any(r => r.Silo == least.Id))
            {
                continue;
            }

            SiloRecord[] before = [.. group.Replicas.Select(r => silos.GetValueOrDefault(r.Silo)).OfType<SiloRecord>()];
            SiloRecord[] after = [.. before.Where(s => s.Id != most.Id), least];
            if (Spread(after) >= Spread(before))
            {
                return new BeginMove { Group = group.Group, FromReplica = from.Replica, ToSilo = least.Id };
            }
        }

        return null;
    }

    // Distinct values per label key, summed over the keys: what placement tries to maximise.
    private static int Spread(SiloRecord[] silos)
    {
        string[] keys = [.. silos.SelectMany(s => s.Labels.Keys).Distinct(StringComparer.Ordinal)];
        return keys.Sum(key => silos.Select(s => s.Labels.GetValueOrDefault(key, "")).Distinct(StringComparer.Ordinal).Count());
    }
}
