using Synod.Consensus.Raft;

namespace Synod.Grains.Raft;

/// <summary>Where a replica learns its group's initial voters (the meta group will provide this; tests and the dev cluster configure it).</summary>
public interface IRaftGroupDirectory
{
    /// <summary>The voters a new group starts with, or null when the group is unknown here.</summary>
    Membership? InitialMembership(string group);

    /// <summary>Creates the state machine of the group.</summary>
    IReplicatedStateMachine CreateStateMachine(string group);
}
