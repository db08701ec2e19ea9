using Synod.Consensus.Raft;
using Synod.Grains.KeyValue;
using Synod.Grains.Raft;

namespace Synod.Silo.Hosting;

/// <summary>The groups a silo knows: every <c>kv-*</c> group of the layout, with three voters and a key-value state machine.</summary>
internal sealed class KeyValueGroupDirectory(ClusterLayout layout) : IRaftGroupDirectory
{
    private readonly HashSet<string> _groups = [.. layout.Groups];

    public Membership? InitialMembership(string group) => _groups.Contains(group) ? ClusterLayout.Voters : null;

    public IReplicatedStateMachine CreateStateMachine(string group) => new KvReplicatedStateMachine(new KvStateMachineConfig());
}
