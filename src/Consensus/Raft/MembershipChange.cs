namespace Synod.Consensus.Raft;

/// <summary>
/// The kinds of single-server membership change (thesis §4.1). A new server joins as a learner and
/// is promoted to voter only once it has caught up (thesis §4.2.1), so adding a voter never stalls
/// commitment.
/// </summary>
public enum MembershipChangeKind : byte
{
    AddLearner = 1,
    PromoteLearner = 2,
    RemoveReplica = 3,
}

/// <summary>One single-server membership change.</summary>
public readonly record struct MembershipChange(MembershipChangeKind Kind, ReplicaId Replica);
