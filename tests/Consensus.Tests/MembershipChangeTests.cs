using Synod.Consensus.Raft;
using Synod.Consensus.Tests.Harness;

namespace Synod.Consensus.Tests;

public sealed class MembershipChangeTests
{
    private const int ElectionTimeout = 10;

    private static readonly ReplicaId[] ThreeVoters = [new(1), new(2), new(3)];

    [Fact]
    public void A_learner_catches_up_and_is_promoted_only_once_it_has()
    {
        // Proves the learner path (thesis §4.2.1): a new replica joins as a non-voting learner, promotion is refused while it lags and accepted once it caught up, and it then counts towards the quorum.
        var cluster = new TestCluster(3, seed: 1, c => c with { LearnerCatchUpMaxLagEntries = 2 });
        var leader = cluster.WaitForLeader();
        for (var i = 0; i < 5; i++)
        {
            cluster.Propose(leader, $"cmd-{i}");
        }

        cluster.Stabilize();

        // The learner enters the membership before its replica runs, so it lags by the whole log.
        Assert.True(cluster.Node(leader).ProposeMembershipChange(new MembershipChange(MembershipChangeKind.AddLearner, new ReplicaId(4))).Accepted);
        cluster.Stabilize();
        Assert.All(cluster.Followers(leader), id => Assert.Equal(Membership.Create(ThreeVoters, [new ReplicaId(4)]), cluster.Node(id).Membership));
        var lagging = cluster.Node(leader).ProposeMembershipChange(new MembershipChange(MembershipChangeKind.PromoteLearner, new ReplicaId(4)));
        Assert.False(lagging.Accepted);
        Assert.Equal(RejectReason.LearnerNotCaughtUp, lagging.Reason);

        cluster.AddReplica(4);
        cluster.TickAll(2);

        var expected = Enumerable.Range(0, 5).Select(i => $"cmd-{i}").ToArray();
        Assert.Equal(expected, cluster.Applied(4));
        Assert.Equal(RaftRole.Follower, cluster.Node(4).Role);
        Assert.True(cluster.Node(4).Membership.IsLearner(new ReplicaId(4)));
        Assert.True(cluster.Node(leader).GetStatus().Progress.Single(p => p.Id.Value == 4).IsLearner);

        var promoted = cluster.Node(leader).ProposeMembershipChange(new MembershipChange(MembershipChangeKind.PromoteLearner, new ReplicaId(4)));
        Assert.True(promoted.Accepted, promoted.ToString());
        cluster.TickAll();
        var fourVoters = Membership.OfVoters([.. ThreeVoters, new ReplicaId(4)]);
        Assert.All(cluster.Ids, id => Assert.Equal(fourVoters, cluster.Node(id).Membership));

        // With four voters the quorum is three: two replicas down stall commitment, one back resumes it.
        var down = cluster.Followers(leader).Where(id => id != 4).ToArray();
        cluster.Crash(down[0]);
        cluster.Crash(down[1]);
        var pending = cluster.Propose(leader, "needs three");
        cluster.TickAll(2);
        Assert.True(cluster.Node(leader).CommitIndex < pending.Index);
        cluster.Restart(down[0]);
        cluster.TickAll(2);
        Assert.True(cluster.Node(leader).CommitIndex >= pending.Index);
        Assert.Equal([.. expected, "needs three"], cluster.Applied(4));
    }

    [Fact]
    public void A_learner_never_campaigns()
    {
        // Proves that a learner, even one cut off from the leader for many election timeouts, never starts an election (thesis §4.2.1).
        var cluster = new TestCluster(3, seed: 2);
        var leader = cluster.WaitForLeader();
        var term = cluster.Node(leader).Term;
        Assert.True(cluster.Node(leader).ProposeMembershipChange(new MembershipChange(MembershipChangeKind.AddLearner, new ReplicaId(4))).Accepted);
        cluster.AddReplica(4);
        cluster.TickAll(2);
        Assert.True(cluster.Node(4).Membership.IsLearner(new ReplicaId(4)));

        cluster.Isolate(4);
        cluster.TickAll(10 * ElectionTimeout);

        Assert.Equal(0, cluster.Node(4).Counters.Campaigns);
        Assert.Equal(term, cluster.Node(4).Term);
        Assert.Equal(RaftRole.Follower, cluster.Node(4).Role);
    }

    [Fact]
    public void A_removed_voter_stops_counting_and_cannot_disrupt_the_group()
    {
        // Proves voter removal (thesis §4.1, §4.2.3): after the change commits two voters make the quorum, and the removed replica's pre-votes are ignored so the leader and term stay.
        var cluster = new TestCluster(3, seed: 3);
        var leader = cluster.WaitForLeader();
        var term = cluster.Node(leader).Term;
        var removed = cluster.Followers(leader).Last();
        var remaining = cluster.Followers(leader).First();

        Assert.True(cluster.Node(leader).ProposeMembershipChange(new MembershipChange(MembershipChangeKind.RemoveReplica, new ReplicaId(removed))).Accepted);
        cluster.Stabilize();

        var twoVoters = Membership.OfVoters(ThreeVoters.Where(r => r.Value != removed).ToArray());
        Assert.Equal(twoVoters, cluster.Node(leader).Membership);
        Assert.Equal(twoVoters, cluster.Node(remaining).Membership);
        Assert.DoesNotContain(cluster.Node(leader).GetStatus().Progress, p => p.Id.Value == removed);

        cluster.Propose(leader, "two voters");
        cluster.TickAll(10 * ElectionTimeout);
        Assert.Equal(["two voters"], cluster.Applied(leader));
        Assert.Equal(["two voters"], cluster.Applied(remaining));
        Assert.Empty(cluster.Applied(removed));
        Assert.Equal(leader, cluster.Leader());
        Assert.Equal(term, cluster.Node(leader).Term);
        Assert.Equal(term, cluster.Node(remaining).Term);

        // Two voters need both: with the other one down nothing commits.
        cluster.Crash(remaining);
        var pending = cluster.Propose(leader, "needs both");
        cluster.TickAll(2);
        Assert.True(cluster.Node(leader).CommitIndex < pending.Index);
    }

    [Fact]
    public void A_second_change_is_refused_while_the_first_is_uncommitted()
    {
        // Proves the one-change-at-a-time rule of single-server changes (thesis §4.1): a change proposed before the previous one commits is MembershipChangeInProgress, and accepted after.
        var cluster = new TestCluster(3, seed: 4);
        var leader = cluster.WaitForLeader();

        Assert.True(cluster.Node(leader).ProposeMembershipChange(new MembershipChange(MembershipChangeKind.AddLearner, new ReplicaId(4))).Accepted);
        var second = cluster.Node(leader).ProposeMembershipChange(new MembershipChange(MembershipChangeKind.AddLearner, new ReplicaId(5)));
        Assert.False(second.Accepted);
        Assert.Equal(RejectReason.MembershipChangeInProgress, second.Reason);

        cluster.Stabilize();
        var third = cluster.Node(leader).ProposeMembershipChange(new MembershipChange(MembershipChangeKind.AddLearner, new ReplicaId(5)));
        Assert.True(third.Accepted, third.ToString());
        cluster.Stabilize();
        Assert.Equal(Membership.Create(ThreeVoters, [new ReplicaId(4), new ReplicaId(5)]), cluster.Node(leader).Membership);
    }

    [Fact]
    public void Invalid_changes_and_changes_on_followers_are_refused()
    {
        // Proves the request checks: a follower answers NotLeader with a hint, and changes that make no sense for the membership are InvalidMembershipChange.
        var cluster = new TestCluster(3, seed: 5);
        var leader = cluster.WaitForLeader();
        var follower = cluster.Followers(leader).First();

        var onFollower = cluster.Node(follower).ProposeMembershipChange(new MembershipChange(MembershipChangeKind.AddLearner, new ReplicaId(4)));
        Assert.Equal(RejectReason.NotLeader, onFollower.Reason);
        Assert.Equal(leader, onFollower.LeaderHint.Value);
        Assert.Equal(RejectReason.InvalidMembershipChange,
            cluster.Node(leader).ProposeMembershipChange(new MembershipChange(MembershipChangeKind.AddLearner, new ReplicaId(follower))).Reason);
        Assert.Equal(RejectReason.InvalidMembershipChange,
            cluster.Node(leader).ProposeMembershipChange(new MembershipChange(MembershipChangeKind.PromoteLearner, new ReplicaId(follower))).Reason);
        Assert.Equal(RejectReason.InvalidMembershipChange,
            cluster.Node(leader).ProposeMembershipChange(new MembershipChange(MembershipChangeKind.RemoveReplica, new ReplicaId(9))).Reason);
    }

    [Fact]
    public void A_new_leader_accepts_no_change_before_it_commits_an_entry_of_its_term()
    {
        // Proves the fix to the single-server change bug (raft-dev, 2015): a leader that has not yet committed an entry of its term refuses changes with LeaderNotReady.
        var cluster = new TestCluster(3, seed: 6);
        var first = cluster.WaitForLeader();
        var next = cluster.Followers(first).First();
        cluster.Crash(first);
        cluster.TickAll(ElectionTimeout);

        // Run the election only until the new leader takes office, before its empty entry commits.
        cluster.Node(next).Campaign();
        Assert.True(cluster.Stabilize(until: () => cluster.Node(next).Role == RaftRole.Leader));
        var early = cluster.Node(next).ProposeMembershipChange(new MembershipChange(MembershipChangeKind.AddLearner, new ReplicaId(4)));
        Assert.Equal(RejectReason.LeaderNotReady, early.Reason);

        cluster.Stabilize();
        Assert.True(cluster.Node(next).ProposeMembershipChange(new MembershipChange(MembershipChangeKind.AddLearner, new ReplicaId(4))).Accepted);
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    public void A_leader_that_removes_itself_steps_down_once_the_removal_commits(ulong seed)
    {
        // Proves thesis §4.2.2: the leader manages the change that removes it, leads until the change commits, then steps down and never campaigns, while the remaining voters elect a leader and go on.
        var cluster = new TestCluster(3, seed);
        var leader = cluster.WaitForLeader();
        var term = cluster.Node(leader).Term;
        var remaining = cluster.Followers(leader).ToArray();

        var removal = cluster.Node(leader).ProposeMembershipChange(new MembershipChange(MembershipChangeKind.RemoveReplica, new ReplicaId(leader)));
        Assert.True(removal.Accepted);
        cluster.ProcessReady(leader);
        Assert.Equal(RaftRole.Leader, cluster.Node(leader).Role);

        cluster.Stabilize();
        Assert.Equal(RaftRole.Follower, cluster.Node(leader).Role);
        Assert.True(cluster.Node(leader).CommitIndex >= removal.Position.Index);
        var campaignsWhenRemoved = cluster.Node(leader).Counters.Campaigns;

        var newLeader = cluster.WaitForLeader(maxTicks: 5 * ElectionTimeout, among: remaining);
        Assert.True(cluster.Node(newLeader).Term > term);
        cluster.Propose(newLeader, "without the old leader");
        cluster.TickAll(5 * ElectionTimeout);

        var twoVoters = Membership.OfVoters([.. remaining.Select(id => new ReplicaId(id))]);
        Assert.All(remaining, id => Assert.Equal(twoVoters, cluster.Node(id).Membership));
        Assert.All(remaining, id => Assert.Equal(["without the old leader"], cluster.Applied(id)));
        Assert.Equal(newLeader, cluster.Leader());
        Assert.NotEqual(RaftRole.Leader, cluster.Node(leader).Role);
        Assert.Equal(campaignsWhenRemoved, cluster.Node(leader).Counters.Campaigns);
    }

    [Fact]
    public void An_uncommitted_change_that_is_overwritten_is_rolled_back()
    {
        // Proves thesis §4.1: a replica uses the latest configuration in its log, committed or not, so when a deposed leader's uncommitted change is overwritten its membership reverts.
        var cluster = new TestCluster(3, seed: 8);
        var oldLeader = cluster.WaitForLeader();
        cluster.Isolate(oldLeader);
        Assert.True(cluster.Node(oldLeader).ProposeMembershipChange(new MembershipChange(MembershipChangeKind.AddLearner, new ReplicaId(4))).Accepted);
        Assert.True(cluster.Node(oldLeader).Membership.IsLearner(new ReplicaId(4)));

        var others = cluster.Followers(oldLeader).ToArray();
        var newLeader = cluster.WaitForLeader(maxTicks: 5 * ElectionTimeout, among: others);
        cluster.Propose(newLeader, "x");
        cluster.Heal();
        cluster.TickAll(3);

        Assert.Equal(newLeader, cluster.Node(oldLeader).Leader.Value);
        Assert.Equal(Membership.OfVoters(ThreeVoters), cluster.Node(oldLeader).Membership);
        Assert.DoesNotContain(cluster.Storage(oldLeader).Entries, e => e.Kind == EntryKind.MembershipChange);
        Assert.Equal(["x"], cluster.Applied(oldLeader));
    }

    [Fact]
    public void A_removed_learner_stops_receiving_the_log()
    {
        // Proves that removing a learner takes it out of replication at once: commands committed after the removal never reach it.
        var cluster = new TestCluster(3, seed: 9);
        var leader = cluster.WaitForLeader();
        Assert.True(cluster.Node(leader).ProposeMembershipChange(new MembershipChange(MembershipChangeKind.AddLearner, new ReplicaId(4))).Accepted);
        cluster.AddReplica(4);
        cluster.Propose(leader, "before");
        cluster.TickAll(2);
        Assert.Equal(["before"], cluster.Applied(4));

        Assert.True(cluster.Node(leader).ProposeMembershipChange(new MembershipChange(MembershipChangeKind.RemoveReplica, new ReplicaId(4))).Accepted);
        cluster.Stabilize();
        cluster.Propose(leader, "after");
        cluster.TickAll(3);

        Assert.Equal(Membership.OfVoters(ThreeVoters), cluster.Node(leader).Membership);
        Assert.DoesNotContain(cluster.Node(leader).GetStatus().Progress, p => p.Id.Value == 4);
        Assert.Equal(["before"], cluster.Applied(4));
        Assert.All(cluster.Followers(leader).Where(id => id != 4), id => Assert.Equal(["before", "after"], cluster.Applied(id)));
    }
}
