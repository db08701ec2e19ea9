using Synod.Consensus.Raft;
using Synod.Consensus.Tests.Harness;

namespace Synod.Consensus.Tests;

public sealed class ElectionTests
{
    [Theory]
    [InlineData(3, 1UL)]
    [InlineData(3, 2UL)]
    [InlineData(3, 3UL)]
    [InlineData(5, 1UL)]
    [InlineData(5, 2UL)]
    [InlineData(5, 3UL)]
    public void A_new_group_elects_exactly_one_leader_that_every_replica_follows(int size, ulong seed)
    {
        // Proves that randomized election timeouts (paper §5.2) give a cold group one leader, which every replica follows in the same term.
        var cluster = new TestCluster(size, seed);

        var leader = cluster.WaitForLeader(maxTicks: 3 * 20);

        var term = cluster.Node(leader).Term;
        Assert.Equal([leader], cluster.Ids.Where(id => cluster.Node(id).Role == RaftRole.Leader));
        foreach (var id in cluster.Followers(leader))
        {
            Assert.Equal(RaftRole.Follower, cluster.Node(id).Role);
            Assert.Equal(term, cluster.Node(id).Term);
            Assert.Equal(leader, cluster.Node(id).Leader.Value);
        }

        // The leader's empty entry of its term (paper §8) is committed everywhere.
        foreach (var id in cluster.Ids)
        {
            Assert.Equal(new LogPosition(new LogIndex(1), term), cluster.Node(id).LastPosition);
            Assert.Equal(new LogIndex(1), cluster.Node(id).CommitIndex);
        }
    }

    [Fact]
    public void A_leader_keeps_its_term_while_heartbeats_flow()
    {
        // Proves that a healthy group has no spurious elections: over many election timeouts the leader and term stay the same.
        var cluster = new TestCluster(5, seed: 11);
        var leader = cluster.WaitForLeader();
        var term = cluster.Node(leader).Term;

        cluster.TickAll(20 * cluster.Config(leader).ElectionTimeoutTicks);

        Assert.Equal(leader, cluster.Leader());
        Assert.All(cluster.Ids, id => Assert.Equal(term, cluster.Node(id).Term));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_candidate_with_a_stale_log_cannot_win(bool preVoteAndCheckQuorum)
    {
        // Proves the election restriction (paper §5.4.1): voters refuse a candidate whose log is less up to date, so only a replica holding every committed entry can lead.
        var cluster = new TestCluster(3, seed: 5, c => c with { PreVote = preVoteAndCheckQuorum, CheckQuorum = preVoteAndCheckQuorum });
        var leader = cluster.WaitForLeader();
        var stale = cluster.Followers(leader).First();
        var upToDate = cluster.Followers(leader).Last();

        // The stale replica misses three committed commands.
        cluster.Isolate(stale);
        cluster.Propose(leader, "a");
        cluster.Propose(leader, "b");
        cluster.Propose(leader, "c");
        cluster.Stabilize();
        Assert.Equal(["a", "b", "c"], cluster.Applied(upToDate));
        Assert.Empty(cluster.Applied(stale));

        // The leader dies; the stale replica rejoins and campaigns first.
        cluster.Crash(leader);
        cluster.Heal();
        cluster.Node(stale).Campaign();
        cluster.Stabilize();
        Assert.NotEqual(RaftRole.Leader, cluster.Node(stale).Role);

        var winner = (ulong?)null;
        for (var tick = 0; tick < 100 && winner is null; tick++)
        {
            cluster.TickAll();
            Assert.NotEqual(RaftRole.Leader, cluster.Node(stale).Role);
            winner = cluster.Leader();
        }

        Assert.Equal(upToDate, winner);
        cluster.Propose(upToDate, "d");
        cluster.TickAll();
        Assert.Equal(["a", "b", "c", "d"], cluster.Applied(stale));
        Assert.Equal(["a", "b", "c", "d"], cluster.Applied(upToDate));
    }

    [Fact]
    public void A_restarted_replica_remembers_its_term_vote_and_log()
    {
        // Proves that hard state and log written through Ready survive a crash: the restarted replica resumes with the same term, vote and entries, and reapplies committed entries.
        var cluster = new TestCluster(3, seed: 2);
        var leader = cluster.WaitForLeader();
        cluster.Propose(leader, "x");
        cluster.Propose(leader, "y");
        cluster.TickAll();
        var follower = cluster.Followers(leader).First();
        var before = cluster.Node(follower).GetStatus();

        cluster.Crash(follower);
        cluster.Restart(follower);

        var after = cluster.Node(follower).GetStatus();
        Assert.Equal(before.Term, after.Term);
        Assert.Equal(before.Vote, after.Vote);
        Assert.Equal(before.Last, after.Last);
        Assert.Equal(before.Commit, after.Commit);
        cluster.Stabilize();
        Assert.Equal(["x", "y"], cluster.Applied(follower));
        cluster.TickAll();
        Assert.Equal(leader, cluster.Node(follower).Leader.Value);
    }
}
