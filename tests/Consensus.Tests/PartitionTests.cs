using Synod.Consensus.Raft;
using Synod.Consensus.Tests.Harness;

namespace Synod.Consensus.Tests;

/// <summary>
/// Symmetric, asymmetric and partial partitions with the default PreVote and CheckQuorum. The
/// partial ones are the cases where a naive Raft loses its leader over and over (thesis §9.6,
/// and the Cloudflare outage of November 2020).
/// </summary>
public sealed class PartitionTests
{
    private const int ElectionTimeout = 10;

    public enum Fault
    {
        /// <summary>One follower and the leader cannot talk in either direction; the follower still reaches the other follower.</summary>
        FollowerCutFromLeader,

        /// <summary>Only messages from the leader to one follower are lost.</summary>
        LeaderToFollowerLost,

        /// <summary>Only messages from one follower to the leader are lost.</summary>
        FollowerToLeaderLost,

        /// <summary>The two followers cannot talk to each other; the leader reaches both.</summary>
        FollowersCutFromEachOther,
    }

    [Theory]
    [InlineData(Fault.FollowerCutFromLeader, 1UL)]
    [InlineData(Fault.FollowerCutFromLeader, 2UL)]
    [InlineData(Fault.LeaderToFollowerLost, 1UL)]
    [InlineData(Fault.LeaderToFollowerLost, 2UL)]
    [InlineData(Fault.FollowerToLeaderLost, 1UL)]
    [InlineData(Fault.FollowersCutFromEachOther, 1UL)]
    public void A_partial_partition_keeps_the_leader_and_commits_through_the_connected_majority(Fault fault, ulong seed)
    {
        // Proves that with PreVote and CheckQuorum a partial partition neither deposes the leader nor inflates anyone's term, commits continue, and the cut-off follower catches up after the heal.
        var cluster = new TestCluster(3, seed);
        var leader = cluster.WaitForLeader();
        var term = cluster.Node(leader).Term;
        var cutOff = cluster.Followers(leader).First();
        var other = cluster.Followers(leader).Last();
        switch (fault)
        {
            case Fault.FollowerCutFromLeader: cluster.Disconnect(leader, cutOff); break;
            case Fault.LeaderToFollowerLost: cluster.Cut(leader, cutOff); break;
            case Fault.FollowerToLeaderLost: cluster.Cut(cutOff, leader); break;
            case Fault.FollowersCutFromEachOther: cluster.Disconnect(cutOff, other); break;
        }

        // First idle, while the cut-off follower's log is as up to date as anyone's (so only the
        // CheckQuorum lease stops its pre-votes), then ten worst-case election timeouts with a
        // proposal in each.
        var expected = new List<string>();
        for (var round = 0; round < 15; round++)
        {
            if (round >= 5)
            {
                expected.Add($"cmd-{round}");
                cluster.Propose(leader, expected[^1]);
            }

            cluster.TickAll(2 * ElectionTimeout);

            Assert.Equal(RaftRole.Leader, cluster.Node(leader).Role);
            Assert.Equal(term, cluster.Node(leader).Term);
            Assert.Equal(expected, cluster.Applied(leader));
            Assert.Equal(expected, cluster.Applied(other));
            Assert.Equal(leader, cluster.Node(other).Leader.Value);
            Assert.Equal(term, cluster.Node(other).Term);

            // PreVote: the cut-off follower's failed pre-votes never raise its term.
            Assert.Equal(term, cluster.Node(cutOff).Term);
        }

        Assert.Equal(0, cluster.Node(leader).Counters.CheckQuorumStepDowns);
        cluster.Heal();
        cluster.TickAll(3);

        Assert.Equal(leader, cluster.Leader());
        Assert.Equal(term, cluster.Node(leader).Term);
        Assert.Equal(leader, cluster.Node(cutOff).Leader.Value);
        Assert.Equal(RaftRole.Follower, cluster.Node(cutOff).Role);
        Assert.Equal(expected, cluster.Applied(cutOff));
        Assert.Equal(cluster.Node(leader).LastPosition, cluster.Node(cutOff).LastPosition);
    }

    [Fact]
    public void The_follower_cut_from_the_leader_keeps_probing_without_raising_its_term()
    {
        // Proves the mechanism behind the partial-partition result: the cut-off follower does time out and pre-campaign, but the other follower, still hearing the leader, ignores its pre-votes.
        var cluster = new TestCluster(3, seed: 4);
        var leader = cluster.WaitForLeader();
        var cutOff = cluster.Followers(leader).First();
        var other = cluster.Followers(leader).Last();
        var campaignsBefore = cluster.Node(cutOff).Counters.Campaigns;

        cluster.Disconnect(leader, cutOff);
        cluster.TickAll(10 * ElectionTimeout);

        Assert.True(cluster.Node(cutOff).Counters.Campaigns > campaignsBefore, "the cut-off follower never timed out");
        Assert.True(cluster.Node(other).Counters.VotesIgnoredInLease > 0, "the other follower never ignored a pre-vote");
        Assert.NotEqual(RaftRole.Leader, cluster.Node(cutOff).Role);
        Assert.NotEqual(RaftRole.Candidate, cluster.Node(cutOff).Role);
    }

    [Theory]
    [InlineData(3, 1UL)]
    [InlineData(3, 2UL)]
    [InlineData(5, 1UL)]
    [InlineData(5, 2UL)]
    public void An_isolated_leader_steps_down_and_the_majority_elects_another(int size, ulong seed)
    {
        // Proves CheckQuorum (thesis §6.2): a leader cut off from everyone steps down within two election timeouts, the majority elects a new leader, and after the heal the old leader follows it and loses its uncommitted entry.
        var cluster = new TestCluster(size, seed);
        var oldLeader = cluster.WaitForLeader();
        var oldTerm = cluster.Node(oldLeader).Term;
        cluster.Propose(oldLeader, "before");
        cluster.Stabilize();

        cluster.Isolate(oldLeader);
        var orphan = cluster.Propose(oldLeader, "orphan");
        var ticks = 0;
        while (cluster.Node(oldLeader).Role == RaftRole.Leader)
        {
            cluster.TickAll();
            ticks++;

            // A CheckQuorum round ends every election timeout; the first may still count activity
            // from before the cut, the second cannot.
            Assert.True(ticks <= 2 * ElectionTimeout, $"the isolated leader still leads after {ticks} ticks");
        }

        Assert.Equal(1, cluster.Node(oldLeader).Counters.CheckQuorumStepDowns);
        var majority = cluster.Ids.Where(id => id != oldLeader).ToArray();
        var newLeader = cluster.WaitForLeader(maxTicks: 5 * ElectionTimeout, among: majority);
        var newTerm = cluster.Node(newLeader).Term;
        Assert.True(newTerm > oldTerm);
        cluster.Propose(newLeader, "after");
        cluster.Stabilize();
        Assert.Equal(oldTerm, cluster.Node(oldLeader).Term);

        cluster.Heal();
        cluster.TickAll(3);

        Assert.Equal(newLeader, cluster.Leader());
        Assert.Equal(newTerm, cluster.Node(newLeader).Term);
        Assert.Equal(RaftRole.Follower, cluster.Node(oldLeader).Role);
        Assert.Equal(newLeader, cluster.Node(oldLeader).Leader.Value);
        Assert.Equal(newTerm, cluster.Node(oldLeader).Term);
        Assert.True(cluster.Node(oldLeader).TryGetTerm(orphan.Index, out var termThere));
        Assert.Equal(newTerm, termThere);
        foreach (var id in cluster.Ids)
        {
            Assert.Equal(["before", "after"], cluster.Applied(id));
        }
    }

    [Theory]
    [InlineData(3, 1UL)]
    [InlineData(5, 3UL)]
    public void A_replica_isolated_for_long_rejoins_without_disrupting_the_group(int size, ulong seed)
    {
        // Proves PreVote (thesis §9.6): a replica isolated for twenty election timeouts keeps its term, so on rejoining it neither deposes the leader nor changes the term, and it catches up.
        var cluster = new TestCluster(size, seed);
        var leader = cluster.WaitForLeader();
        var term = cluster.Node(leader).Term;
        var loner = cluster.Followers(leader).First();

        cluster.Isolate(loner);
        var expected = new List<string>();
        for (var round = 0; round < 20; round++)
        {
            expected.Add($"cmd-{round}");
            cluster.Propose(leader, expected[^1]);
            cluster.TickAll(ElectionTimeout);
        }

        Assert.Equal(term, cluster.Node(loner).Term);
        Assert.Empty(cluster.Applied(loner));

        cluster.Heal();
        for (var tick = 0; tick < 3 * ElectionTimeout; tick++)
        {
            cluster.TickAll();
            Assert.Equal(leader, cluster.Leader());
            Assert.All(cluster.Ids, id => Assert.Equal(term, cluster.Node(id).Term));
        }

        Assert.Equal(leader, cluster.Node(loner).Leader.Value);
        Assert.All(cluster.Ids, id => Assert.Equal(expected, cluster.Applied(id)));
    }

    [Fact]
    public void A_minority_partition_commits_nothing_and_the_majority_continues()
    {
        // Proves that commitment needs a majority: with {1,2} | {3,4,5} whatever the minority side accepts stays uncommitted, and after the heal every replica holds only the majority's commands.
        var cluster = new TestCluster(5, seed: 6);
        var leader = cluster.WaitForLeader();
        var minority = new[] { leader, cluster.Followers(leader).First() };
        var majority = cluster.Ids.Except(minority).ToArray();

        cluster.Partition(minority, majority);
        cluster.Propose(leader, "minority");
        cluster.TickAll(2);
        Assert.Empty(cluster.Applied(leader));

        var newLeader = cluster.WaitForLeader(maxTicks: 6 * ElectionTimeout, among: majority);
        cluster.Propose(newLeader, "majority");
        cluster.TickAll(2);

        cluster.Heal();
        cluster.TickAll(2 * ElectionTimeout);
        Assert.All(cluster.Ids, id => Assert.Equal(["majority"], cluster.Applied(id)));
        Assert.Equal(newLeader, cluster.Leader());
    }
}
