namespace Synod.Consensus.Raft;

/// <summary>Why a proposal or request was not accepted.</summary>
public enum RejectReason : byte
{
    None = 0,
    NotLeader,
    LeadershipTransferInProgress,
    TooManyUncommitted,
    MembershipChangeInProgress,
    LeaderNotReady,
    InvalidMembershipChange,
    LearnerNotCaughtUp,
    TooManyPendingReads,
    InvalidTarget,
}

/// <summary>
/// The outcome of <see cref="RaftNode.Propose"/> and <see cref="RaftNode.ProposeMembershipChange"/>:
/// accepted at a position (committed only if that position later commits with the same term), or
/// rejected with a reason and, when known, the leader to try.
/// </summary>
public readonly record struct ProposeResult(bool Accepted, LogPosition Position, RejectReason Reason, ReplicaId LeaderHint, string? Detail = null)
{
    public static ProposeResult At(LogPosition position) => new(true, position, RejectReason.None, ReplicaId.None);

    public static ProposeResult Rejected(RejectReason reason, ReplicaId leaderHint, string? detail = null) =>
        new(false, default, reason, leaderHint, detail);

    public override string ToString() => Accepted ? $"accepted {Position}" : $"rejected {Reason} leader={LeaderHint} {Detail}";
}
