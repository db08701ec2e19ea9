namespace Synod.Consensus.Raft;

/// <summary>
/// When a leader may propose a single-server membership change (thesis §4): after it committed an
/// entry of its term (the fix to the bug reported on raft-dev in 2015), with no other change
/// uncommitted, when the change makes sense for the current membership, and — for a promotion —
/// once the learner has caught up (thesis §4.2.1).
/// </summary>
internal static class MembershipChangePolicy
{
    public static (RejectReason Reason, string? Detail) Check(
        MembershipChange change, RaftLog log, bool committedInTerm, Progress? target, int maxLearnerLag, out Membership next)
    {
        next = log.Membership;
        if (!committedInTerm)
        {
            return (RejectReason.LeaderNotReady, "the leader has not yet committed an entry of its term");
        }

        if (log.MembershipIndex > log.Committed)
        {
            return (RejectReason.MembershipChangeInProgress, null);
        }

        if (!log.Membership.TryApply(change, out next, out var reason))
        {
            return (RejectReason.InvalidMembershipChange, reason);
        }

        if (change.Kind == MembershipChangeKind.PromoteLearner
            && (target is null || target.Match.Value + (ulong)maxLearnerLag < log.LastIndex.Value))
        {
            return (RejectReason.LearnerNotCaughtUp, $"learner {change.Replica} has not caught up");
        }

        return (RejectReason.None, null);
    }
}
