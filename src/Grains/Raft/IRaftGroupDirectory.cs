using Synod.Consensus.Raft;

namespace Synod.Grains.Raft;

/// <summary>Where a replica learns its group's initial voters (the meta group will provide this; tests and the dev cluster configure it).</summary>
public interface IRaftGroupDirectory
{
    /// <summary>
    /// The voters replica <paramref name="replica"/> of <paramref name="group"/> starts with when it
    /// has no durable state (empty for a replica that joins a running group: it learns the
    /// membership from the leader), or null when the replica is unknown here.
    /// </summary>
    Membership? InitialMembership(string group, ReplicaId replica);

    /// <summary>Creates the state machine of the group.</summary>
    IReplicatedStateMachine CreateStateMachine(string group);
}
