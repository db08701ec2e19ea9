using System.Text;
using Synod.Consensus.Raft;
using Synod.Grains.Directory;
using Synod.Grains.Interfaces;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.Raft;
using Synod.Runtime.Transport;

namespace Synod.Silo.Hosting;

/// <summary>
/// Where silos, groups and keys live, read from the cluster directory the meta group keeps: the
/// meta group's three replicas on the three lowest-id silos of the configuration; every other
/// group's replicas where the directory puts them; a key's group by a stable hash of the key over
/// the directory's slots. Immutable: a newer directory makes a new layout.
/// </summary>
public sealed class ClusterLayout
{
    /// <summary>Hash slots keys map to.</summary>
    public const int Slots = 16_384;

    /// <summary>Replicas of the meta group, and of the groups a new cluster is bootstrapped with.</summary>
    public const int Replicas = 3;

    /// <summary>The group that keeps the directory.</summary>
    public const string MetaGroup = "meta";

    /// <summary>The directory's <c>machine</c> of a lock group.</summary>
    public const string LockMachine = "lock";

    private static readonly GroupPlacement NoGroup = new();

    private readonly Dictionary<string, GroupPlacement> _groups;
    private readonly Dictionary<int, SiloRecord> _silos;
    private readonly GroupPlacement _meta;
    private readonly string[] _slotOwners;

    /// <summary>
    /// Reads a directory (validated by the meta group's state machine). <paramref name="configured"/>
    /// are the silos of this silo's configuration: they place the meta group and stand in for the
    /// directory's silo list when it has none.
    /// </summary>
    public ClusterLayout(ClusterDirectory directory, IReadOnlyList<SiloRecord> configured)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(configured);
        Directory = directory;
        IEnumerable<SiloRecord> silos = directory.Silos.Count > 0 ? directory.Silos.Concat(configured.Where(c => directory.Silos.All(d => d.Id != c.Id))) : configured;
        _silos = silos.ToDictionary(s => s.Id);
        Silos = [.. _silos.Keys.Order()];
        _groups = directory.Groups.ToDictionary(g => g.Group, StringComparer.Ordinal);
        LockGroups = [.. directory.Groups.Where(g => g.Machine == LockMachine).Select(g => g.Group)];
        _slotOwners = [.. directory.SlotGroups.Select(index => directory.Groups[(int)index].Group)];
        int[] metaSilos = [.. configured.Select(s => s.Id).Order().Take(Replicas)];
        _meta = new GroupPlacement { Group = MetaGroup, Protocol = "raft", Machine = "directory", InitialReplicas = Replicas };
        for (int r = 0; r < metaSilos.Length; r++)
        {
            _meta.Replicas.Add(new ReplicaPlacement { Replica = (ulong)(r + 1), Silo = metaSilos[r] });
        }
    }

    /// <summary>The directory this layout reads.</summary>
    public ClusterDirectory Directory { get; }

    /// <summary>The silo ids, sorted.</summary>
    public IReadOnlyList<int> Silos { get; }

    /// <summary>Every group of the directory (not the meta group), in directory order.</summary>
    public IEnumerable<string> Groups => Directory.Groups.Select(g => g.Group);

    /// <summary>The lock groups (machine <c>lock</c>), in directory order.</summary>
    public IReadOnlyList<string> LockGroups { get; }

    /// <summary>The voters every group of a new cluster starts with.</summary>
    public static Membership Voters { get; } = Membership.OfVoters(new ReplicaId(1), new ReplicaId(2), new ReplicaId(3));

    /// <summary>
    /// The directory a new cluster is bootstrapped with: its silos, key-value groups
    /// <c>kv-0 … kv-{n-1}</c> of three replicas placed by <see cref="PlacementPolicy"/> (distinct
    /// silos, spread over failure domains, fewest replicas first), slot s owned by group s mod n;
    /// and one lock group <c>lock-0</c>, which owns no slots.
    /// </summary>
    public static ClusterDirectory Initial(int groups, IEnumerable<SiloRecord> silos)
    {
        var directory = new ClusterDirectory { Slots = Slots, Version = 1 };
        directory.Silos.AddRange(silos.OrderBy(s => s.Id).Select(s => s.Clone()));
        var created = new List<string>();
        string? problem = DirectoryChanges.CreateGroups(directory, new CreateGroups { Protocol = "raft", Machine = "kv", Replicas = Replicas, Count = (uint)groups }, created)
            ?? DirectoryChanges.CreateGroups(directory, new CreateGroups { Protocol = "raft", Machine = LockMachine, Replicas = Replicas, Count = 1 }, created);
        if (problem is not null)
        {
            throw new InvalidOperationException($"Cannot lay out a new cluster: {problem}.");
        }

        directory.Version = 1;
        directory.SlotGroups.AddRange(Enumerable.Range(0, Slots).Select(slot => (uint)(slot % groups)));
        return directory;
    }

    /// <summary>Whether the group exists in this layout (the meta group always does).</summary>
    public bool HasGroup(string group) => group == MetaGroup || _groups.ContainsKey(group);

    /// <summary>The group's placement (the meta group's by rule); an empty placement for an unknown group.</summary>
    public GroupPlacement Group(string group) => group == MetaGroup ? _meta : _groups.GetValueOrDefault(group, NoGroup);

    /// <summary>The replica ids of <paramref name="group"/>, ascending.</summary>
    public IReadOnlyList<ulong> ReplicasOf(string group) => [.. Group(group).Replicas.Select(r => r.Replica).Order()];

    /// <summary>The silo record of <paramref name="silo"/>, or null when it is not a member.</summary>
    public SiloRecord? Silo(int silo) => _silos.GetValueOrDefault(silo);

    /// <summary>The group that holds <paramref name="key"/>.</summary>
    public string GroupOf(ReadOnlySpan<byte> key) => _slotOwners[Slot(key) % (uint)_slotOwners.Length];

    /// <summary>The lock group that holds lock <paramref name="name"/> (UTF-8 bytes), or null when the cluster has none.</summary>
    public string? LockGroupOf(ReadOnlySpan<byte> name) => LockGroups.Count == 0 ? null : LockGroups[(int)(Fnv1a(name) % (uint)LockGroups.Count)];

    /// <summary>The silo that hosts replica <paramref name="replica"/> of <paramref name="group"/>, or none (0) when no silo does.</summary>
    public SiloId SiloOf(string group, ReplicaId replica) =>
        Group(group).Replicas.FirstOrDefault(r => r.Replica == replica.Value) is { } found ? new SiloId(found.Silo) : new SiloId(0);

    /// <summary>
    /// The voters a replica starts with when it has no durable state: the group's initial replicas
    /// for one of them; none for a replica that joined later (it learns the membership from the
    /// leader); null when the replica is not in the layout.
    /// </summary>
    public Membership? InitialMembership(string group, ReplicaId replica)
    {
        GroupPlacement placement = Group(group);
        if (placement.Replicas.FirstOrDefault(r => r.Replica == replica.Value) is not { } found)
        {
            return null;
        }

        uint initial = placement.InitialReplicas == 0 ? Replicas : placement.InitialReplicas;
        return found.Joined ? Membership.Empty : Membership.Create(Enumerable.Range(1, (int)initial).Select(r => new ReplicaId((ulong)r)));
    }

    /// <summary>
    /// Placement of grains: a replica on its silo; a replica no silo hosts on none (calls to it
    /// fail); anything else on the lowest-id silo.
    /// </summary>
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
    private static uint Slot(ReadOnlySpan<byte> key) => Fnv1a(key) % Slots;

    private static uint Fnv1a(ReadOnlySpan<byte> key)
    {
        uint hash = 2166136261;
        foreach (byte b in key)
        {
            hash = (hash ^ b) * 16777619;
        }

        return hash;
    }
}
