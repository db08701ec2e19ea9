using Synod.Consensus.Raft;

namespace Synod.Consensus.Tests;

public sealed class MembershipTests
{
    private static readonly Membership ThreeVotersOneLearner = Membership.Create([new(3), new(1), new(2)], [new(4)]);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(5, 3)]
    [InlineData(7, 4)]
    public void Quorum_is_a_majority_of_voters(int voters, int quorum)
    {
        // Proves the quorum arithmetic: floor(n / 2) + 1 voters, so any two quorums intersect.
        var membership = Membership.OfVoters([.. Enumerable.Range(1, voters).Select(i => new ReplicaId((ulong)i))]);

        Assert.Equal(quorum, membership.Quorum);
    }

    [Fact]
    public void Learners_do_not_count_towards_the_quorum()
    {
        // Proves that a learner has no say in commitment or elections.
        Assert.Equal(2, ThreeVotersOneLearner.Quorum);
        Assert.True(ThreeVotersOneLearner.IsLearner(new ReplicaId(4)));
        Assert.False(ThreeVotersOneLearner.IsVoter(new ReplicaId(4)));
        Assert.Equal([1UL, 2, 3, 4], ThreeVotersOneLearner.All.Select(r => r.Value));
    }

    [Fact]
    public void Allowed_single_server_changes_produce_the_expected_membership()
    {
        // Proves the effect of each single-server change (thesis §4.1).
        Assert.True(ThreeVotersOneLearner.TryApply(new MembershipChange(MembershipChangeKind.AddLearner, new ReplicaId(5)), out var added, out _));
        Assert.Equal(Membership.Create([new(1), new(2), new(3)], [new(4), new(5)]), added);

        Assert.True(ThreeVotersOneLearner.TryApply(new MembershipChange(MembershipChangeKind.PromoteLearner, new ReplicaId(4)), out var promoted, out _));
        Assert.Equal(Membership.OfVoters(new(1), new(2), new(3), new(4)), promoted);

        Assert.True(ThreeVotersOneLearner.TryApply(new MembershipChange(MembershipChangeKind.RemoveReplica, new ReplicaId(2)), out var withoutVoter, out _));
        Assert.Equal(Membership.Create([new(1), new(3)], [new(4)]), withoutVoter);

        Assert.True(ThreeVotersOneLearner.TryApply(new MembershipChange(MembershipChangeKind.RemoveReplica, new ReplicaId(4)), out var withoutLearner, out _));
        Assert.Equal(Membership.OfVoters(new(1), new(2), new(3)), withoutLearner);
    }

    [Theory]
    [InlineData(MembershipChangeKind.AddLearner, 1UL)]
    [InlineData(MembershipChangeKind.AddLearner, 4UL)]
    [InlineData(MembershipChangeKind.PromoteLearner, 1UL)]
    [InlineData(MembershipChangeKind.PromoteLearner, 9UL)]
    [InlineData(MembershipChangeKind.RemoveReplica, 9UL)]
    [InlineData((MembershipChangeKind)77, 1UL)]
    public void Disallowed_changes_are_refused_with_a_reason(MembershipChangeKind kind, ulong replica)
    {
        // Proves that a change that makes no sense (adding a member, promoting a non-learner, removing a stranger, an unknown kind) is refused and leaves the membership unchanged.
        var allowed = ThreeVotersOneLearner.TryApply(new MembershipChange(kind, new ReplicaId(replica)), out var result, out var reason);

        Assert.False(allowed);
        Assert.False(string.IsNullOrEmpty(reason));
        Assert.Same(ThreeVotersOneLearner, result);
    }

    [Fact]
    public void The_last_voter_cannot_be_removed()
    {
        // Proves that a group always keeps a voter, else nothing could ever commit again.
        var single = Membership.Create([new(1)], [new(2)]);

        Assert.False(single.TryApply(new MembershipChange(MembershipChangeKind.RemoveReplica, new ReplicaId(1)), out _, out var reason));
        Assert.Contains("last voter", reason, StringComparison.Ordinal);
        Assert.True(single.TryApply(new MembershipChange(MembershipChangeKind.RemoveReplica, new ReplicaId(2)), out _, out _));
    }

    [Fact]
    public void Create_sorts_deduplicates_and_rejects_overlap_and_id_zero()
    {
        // Proves the Membership invariants: sorted, duplicate-free, voters and learners disjoint, id 0 reserved.
        var membership = Membership.Create([new(3), new(1), new(3)], [new(5), new(5)]);

        Assert.Equal([1UL, 3], membership.Voters.Select(r => r.Value));
        Assert.Equal([5UL], membership.Learners.Select(r => r.Value));
        Assert.Throws<InvariantViolationException>(() => Membership.Create([new(1)], [new(1)]));
        Assert.Throws<InvariantViolationException>(() => Membership.OfVoters(ReplicaId.None));
        Assert.Throws<InvariantViolationException>(() => Membership.Create([new(1)], [ReplicaId.None]));
    }

    [Fact]
    public void Equal_memberships_are_equal_and_hash_alike()
    {
        // Proves value equality, which the snapshot receiver and tests rely on.
        var a = Membership.Create([new(2), new(1)], [new(3)]);
        var b = Membership.Create([new(1), new(2)], [new(3)]);
        var c = Membership.OfVoters(new(1), new(2), new(3));

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
    }
}
