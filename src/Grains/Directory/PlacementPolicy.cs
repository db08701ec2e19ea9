using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.Directory;

/// <summary>
/// Where new replicas go, decided inside the meta group's state machine so every replica of the
/// directory decides the same: distinct, non-draining silos; among them, first those that add the
/// most failure-domain label values not yet used by the group (so the replicas of one group spread
/// over as many zones and racks as exist), then the silo hosting the fewest replicas, then the
/// lowest id.
/// </summary>
public static class PlacementPolicy
{
    /// <summary>
    /// Chooses <paramref name="count"/> silos for new replicas of a group whose other replicas are
    /// on <paramref name="kept"/>; null when fewer eligible silos exist.
    /// </summary>
    public static IReadOnlyList<int>? Choose(ClusterDirectory directory, IReadOnlyCollection<int> kept, int count)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(kept);
        Dictionary<int, int> load = Loads(directory);
        string[] labelKeys = [.. directory.Silos.SelectMany(s => s.Labels.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        var group = new List<SiloRecord>(directory.Silos.Where(s => kept.Contains(s.Id)));
        var chosen = new List<int>(count);
        for (int i = 0; i < count; i++)
        {
            SiloRecord? best = directory.Silos
                .Where(s => !s.Draining && group.All(g => g.Id != s.Id))
                .OrderByDescending(s => NewLabelValues(s, group, labelKeys))
                .ThenBy(s => load.GetValueOrDefault(s.Id))
                .ThenBy(s => s.Id)
                .FirstOrDefault();
            if (best is null)
            {
                return null;
            }

            group.Add(best);
            chosen.Add(best.Id);
            load[best.Id] = load.GetValueOrDefault(best.Id) + 1;
        }

        return chosen;
    }

    /// <summary>Replicas hosted per silo, over every group of the directory.</summary>
    public static Dictionary<int, int> Loads(ClusterDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var load = new Dictionary<int, int>();
        foreach (ReplicaPlacement replica in directory.Groups.SelectMany(g => g.Replicas))
        {
            load[replica.Silo] = load.GetValueOrDefault(replica.Silo) + 1;
        }

        return load;
    }

    // How many label keys the candidate would give the group a value it does not have yet (a
    // missing label counts as its own value, the empty one).
    private static int NewLabelValues(SiloRecord candidate, List<SiloRecord> group, string[] labelKeys) =>
        labelKeys.Count(key =>
        {
            string value = candidate.Labels.GetValueOrDefault(key, "");
            return group.All(g => g.Labels.GetValueOrDefault(key, "") != value);
        });
}
