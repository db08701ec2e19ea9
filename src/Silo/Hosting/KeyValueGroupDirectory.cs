using Synod.Consensus.Raft;
using Synod.Grains.Directory;
using Synod.Grains.KeyValue;
using Synod.Grains.Locks;
using Synod.Grains.Raft;

namespace Synod.Silo.Hosting;

/// <summary>The groups a silo knows: the meta group (directory state machine) and every key-value and lock group of the layout in force.</summary>
internal sealed class KeyValueGroupDirectory(LayoutHolder layout) : IRaftGroupDirectory
{
    public Membership? InitialMembership(string group, ReplicaId replica) => layout.Current.InitialMembership(group, replica);

    public IReplicatedStateMachine CreateStateMachine(string group) =>
        group == ClusterLayout.MetaGroup ? new DirectoryStateMachine()
        : layout.Current.Group(group).Machine == ClusterLayout.LockMachine ? new LockReplicatedStateMachine(new LockStateMachineConfig())
        : new KvReplicatedStateMachine(new KvStateMachineConfig());
}
