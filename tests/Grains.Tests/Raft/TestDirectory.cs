using Synod.Consensus.Raft;
using Synod.Grains.Raft;

namespace Synod.Grains.Tests.Raft;

/// <summary>A directory with one group of three voters whose state machines are <see cref="LogStateMachine"/>s.</summary>
public sealed class TestDirectory : IRaftGroupDirectory
{
    public Membership? InitialMembership(string group, ReplicaId replica) =>
        group == "g1" ? Membership.OfVoters(new ReplicaId(1), new ReplicaId(2), new ReplicaId(3)) : null;

    public IReplicatedStateMachine CreateStateMachine(string group) => new LogStateMachine();
}
