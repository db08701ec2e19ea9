using Synod.Consensus.Pbft;
using Synod.Grains.Raft;

namespace Synod.Grains.Pbft;

/// <summary>Where a PBFT replica learns its group's size, its keys and its state machine (the silo host configures it).</summary>
public interface IPbftGroupDirectory
{
    /// <summary>n = 3f+1 for the group, or null when the group is not a PBFT group known here.</summary>
    int? ReplicaCount(string group);

    /// <summary>The keys of replica <paramref name="replica"/> of the group.</summary>
    PbftReplicaSecrets Secrets(string group, ReplicaIndex replica);

    /// <summary>Creates the state machine of the group.</summary>
    IReplicatedStateMachine CreateStateMachine(string group);
}
