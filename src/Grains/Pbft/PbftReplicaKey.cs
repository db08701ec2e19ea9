using System.Globalization;
using Synod.Consensus.Pbft;

namespace Synod.Grains.Pbft;

/// <summary>
/// A PBFT replica's grain key, <c>{group}:{index}</c> (e.g. <c>pbft-0:2</c>, index 0..n-1), which is
/// also the key of the stream its peers publish to and (prefixed) the name of its state in the store.
/// </summary>
public readonly record struct PbftReplicaKey(string Group, ReplicaIndex Replica)
{
    /// <summary>The grain type of PBFT replicas.</summary>
    public const string GrainType = "pbft-replica";

    /// <summary>The stream namespace PBFT replicas consume.</summary>
    public const string StreamNamespace = "pbft";

    /// <summary>Parses <c>{group}:{index}</c>.</summary>
    public static PbftReplicaKey Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int colon = key.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(key.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int replica))
        {
            throw new FormatException($"'{key}' is not a PBFT replica key (group:index, index ≥ 0).");
        }

        return new PbftReplicaKey(key[..colon], new ReplicaIndex(replica));
    }

    /// <summary>The replica's name in the silo's store; distinct from every Raft replica's.</summary>
    public string DurableName => "pbft/" + ToString();

    /// <inheritdoc/>
    public override string ToString() => $"{Group}:{Replica.Value.ToString(CultureInfo.InvariantCulture)}";
}
