using System.Globalization;
using Synod.Consensus.Raft;

namespace Synod.Grains.Raft;

/// <summary>
/// A Raft replica's grain key, <c>{group}:{replica}</c> (e.g. <c>kv-3:2</c>), which is also the key
/// of the stream its peers publish to and the name of its state in the silo's store.
/// </summary>
public readonly record struct RaftReplicaKey(string Group, ReplicaId Replica)
{
    /// <summary>The grain type of Raft replicas.</summary>
    public const string GrainType = "raft-replica";

    /// <summary>The stream namespace Raft replicas consume.</summary>
    public const string StreamNamespace = "raft";

    /// <summary>Parses <c>{group}:{replica}</c>.</summary>
    public static RaftReplicaKey Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int colon = key.LastIndexOf(':');
        if (colon <= 0 || !ulong.TryParse(key.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out ulong replica) || replica == 0)
        {
            throw new FormatException($"'{key}' is not a Raft replica key (group:replica, replica ≥ 1).");
        }

        return new RaftReplicaKey(key[..colon], new ReplicaId(replica));
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Group}:{Replica.Value.ToString(CultureInfo.InvariantCulture)}";
}
