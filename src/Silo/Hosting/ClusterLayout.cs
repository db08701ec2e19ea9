using System.Globalization;
using System.Text;
using Synod.Consensus.Raft;
using Synod.Grains.Interfaces;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.Raft;
using Synod.Runtime.Transport;

namespace Synod.Silo.Hosting;

/// <summary>
/// Where groups and keys live, read from the cluster directory the meta group keeps: the meta
/// group's three replicas on the first three silos; every other group's replicas where the
/// directory puts them; a key's group by a stable hash of the key over the directory's slots.
/// </summary>
public sealed class ClusterLayout
{
    /// <summary>Hash slots keys map to.</summary>
    public const int Slots = 16_384;

    /// <summary>Replicas per group.</summary>
    public const int Replicas = 3;

    /// <summary>The group that keeps the directory.</summary>
    public const string MetaGroup = "meta";

    private readonly Dictionary<string, GroupPlacement> _groups;
    private readonly string[] _slotOwners;

    /// <summary>Reads a directory (validated by the meta group's state machine) for a cluster of <paramref name="silos"/>.</summary>
    public ClusterLayout(ClusterDirectory directory, IReadOnlyList<int> silos)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory = directory;
        Silos = [.. silos.Order()];
        _groups = directory.Groups.ToDictionary(g => g.Group, StringComparer.Ordinal);
        _slotOwners = [.. directory.SlotGroups.Select(index => directory.Groups[(int)index].Group)];
    }

    /// <summary>The directory this layout reads.</summary>
    public ClusterDirectory Directory { get; }

    /// <summary>The silo ids, sorted.</summary>
    public IReadOnlyList<int> Silos { get; }

    /// <summary>Every key-value group.</summary>
    public IEnumerable<string> Groups => Directory.Groups.Select(g => g.Group);

    /// <summary>The voters every group starts with.</summary>
    public static Membership Voters { get; } = Membership.OfVoters(new ReplicaId(1), new ReplicaId(2), new ReplicaId(3));

    /// <summary>
    /// The directory a new cluster is bootstrapped with: groups <c>kv-0 … kv-{n-1}</c>, replica r
    /// of group g on silo ((r − 1 + g) mod silos) + 1 (distinct silos), slot s owned by group s mod n.
    /// </summary>
    public static ClusterDirectory Initial(int groups, IReadOnlyList<int> silos)
    {
        int[] sorted = [.. silos.Order()];
        var directory = new ClusterDirectory { Slots = Slots };
        for (int g = 0; g < groups; g++)
        {
            var placement = new GroupPlacement { Group = $"kv-{g.ToString(CultureInfo.InvariantCulture)}", Protocol = "raft" };
            for (int r = 1; r <= Replicas; r++)
            {
                placement.Replicas.Add(new ReplicaPlacement { Replica = (ulong)r, Silo = sorted[(r - 1 + g) % sorted.Length] });
            }

            directory.Groups.Add(placement);
        }

        directory.SlotGroups.AddRange(Enumerable.Range(0, Slots).Select(slot => (uint)(slot % groups)));
        return directory;
    }

    /// <summary>Whether the group exists in this layout (the meta group always does).</summary>
    public bool HasGroup(string group) => group == MetaGroup || _groups.ContainsKey(group);

    /// <summary>The group that holds <paramref name="key"/>.</summary>
    public string GroupOf(ReadOnlySpan<byte> key) => _slotOwners[Slot(key) % (uint)_slotOwners.Length];

    /// <summary>The silo that hosts replica <paramref name="replica"/> of <paramref name="group"/>.</summary>
    public SiloId SiloOf(string group, ReplicaId replica)
    {
        if (group == MetaGroup)
        {
            return new SiloId(Silos[(int)(replica.Value - 1) % Silos.Count]);
        }

        return _groups.TryGetValue(group, out GroupPlacement? placement) && placement.Replicas.FirstOrDefault(r => r.Replica == replica.Value) is { } found
            ? new SiloId(found.Silo)
            : new SiloId(Silos[0]);
    }

    /// <summary>Placement of grains: a replica on its silo; anything else on the first silo.</summary>
    public SiloId Place(GrainId grain) =>
        grain.Type.Value == RaftReplicaKey.GrainType && RaftReplicaKey.Parse(grain.Key) is var key
            ? SiloOf(key.Group, key.Replica)
            : new SiloId(Silos[0]);

    /// <summary>The grain of replica <paramref name="replica"/> of <paramref name="group"/>.</summary>
    public static GrainId ReplicaGrain(string group, ulong replica) =>
        GrainId.Create(RaftReplicaKey.GrainType, new RaftReplicaKey(group, new ReplicaId(replica)).ToString());

    /// <summary>The UTF-8 bytes of a key given as text.</summary>
    public static byte[] KeyBytes(string key) => Encoding.UTF8.GetBytes(key);

    // FNV-1a: stable across processes and versions, unlike string.GetHashCode.
    private static uint Slot(ReadOnlySpan<byte> key)
    {
        uint hash = 2166136261;
        foreach (byte b in key)
        {
            hash = (hash ^ b) * 16777619;
        }

        return hash % Slots;
    }
}
