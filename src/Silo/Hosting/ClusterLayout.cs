using System.Globalization;
using System.Text;
using Synod.Consensus.Raft;
using Synod.Grains.Interfaces;
using Synod.Grains.Raft;
using Synod.Runtime.Transport;

namespace Synod.Silo.Hosting;

/// <summary>
/// Where groups and keys live, computed the same way on every silo until the meta group takes
/// this over: key-value groups <c>kv-0 … kv-{n-1}</c> of three replicas; replica r of group g on
/// silo ((r − 1 + g) mod silos) + 1, so the replicas of a group are on distinct silos; a key's group
/// by a stable hash of the key over 16,384 slots.
/// </summary>
public sealed class ClusterLayout(int groups, IReadOnlyList<int> silos)
{
    /// <summary>Hash slots keys map to.</summary>
    public const int Slots = 16_384;

    /// <summary>Replicas per key-value group.</summary>
    public const int Replicas = 3;

    /// <summary>The silo ids, sorted.</summary>
    public IReadOnlyList<int> Silos { get; } = [.. silos.Order()];

    /// <summary>Every key-value group.</summary>
    public IEnumerable<string> Groups => Enumerable.Range(0, groups).Select(Group);

    /// <summary>The voters every group starts with.</summary>
    public static Membership Voters { get; } = Membership.OfVoters(new ReplicaId(1), new ReplicaId(2), new ReplicaId(3));

    /// <summary>The name of group <paramref name="index"/>.</summary>
    public static string Group(int index) => $"kv-{index.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The group that holds <paramref name="key"/>.</summary>
    public string GroupOf(ReadOnlySpan<byte> key) => Group((int)(Slot(key) % (uint)groups));

    /// <summary>The silo that hosts replica <paramref name="replica"/> of <paramref name="group"/>.</summary>
    public SiloId SiloOf(string group, ReplicaId replica)
    {
        int index = int.Parse(group.AsSpan(group.IndexOf('-', StringComparison.Ordinal) + 1), CultureInfo.InvariantCulture);
        return new SiloId(Silos[(int)((replica.Value - 1 + (ulong)index) % (ulong)Silos.Count)]);
    }

    /// <summary>Placement of grains: a replica on its silo; anything else on the first silo.</summary>
    public SiloId Place(GrainId grain) =>
        grain.Type.Value == RaftReplicaKey.GrainType && RaftReplicaKey.Parse(grain.Key) is var key
            ? SiloOf(key.Group, key.Replica)
            : new SiloId(Silos[0]);

    /// <summary>The grain of replica <paramref name="replica"/> of <paramref name="group"/>.</summary>
    public static GrainId ReplicaGrain(string group, ulong replica) =>
        GrainId.Create(RaftReplicaKey.GrainType, new RaftReplicaKey(group, new ReplicaId(replica)).ToString());

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

    /// <summary>The UTF-8 bytes of a key given as text.</summary>
    public static byte[] KeyBytes(string key) => Encoding.UTF8.GetBytes(key);
}
