using Synod.Consensus.Raft;
using Synod.Consensus.Tests.Harness;

namespace Synod.Consensus.Tests;

public sealed class ReadIndexTests
{
    private const int ElectionTimeout = 10;

    [Theory]
    [InlineData(3, 1UL)]
    [InlineData(5, 2UL)]
    public void A_read_is_confirmed_at_the_commit_index_after_a_quorum_acknowledges_a_heartbeat(int size, ulong seed)
    {
        // Proves ReadIndex (thesis §6.4): the leader records its commit index, and releases the read only after a heartbeat round is acknowledged by a quorum.
        var cluster = new TestCluster(size, seed);
        var leader = cluster.WaitForLeader();
        cluster.Propose(leader, "a");
        cluster.Stabilize();
        var commit = cluster.Node(leader).CommitIndex;

        Assert.True(cluster.Node(leader).ReadIndex(42).Accepted);
        cluster.ProcessReady(leader);

        // The heartbeat round has left but no acknowledgement has come back.
        Assert.Empty(cluster.ReadStates(leader));
        cluster.Stabilize();

        Assert.Equal([new ReadState(commit, 42)], cluster.ReadStates(leader));
        Assert.True(cluster.Node(leader).AppliedIndex >= commit);
    }

    [Fact]
    public void A_read_waits_for_acknowledgements_from_a_quorum_not_just_one_replica()
    {
        // Proves that one acknowledgement in a five-replica group is not enough: with three followers unreachable the read stays pending.
        var cluster = new TestCluster(5, seed: 3);
        var leader = cluster.WaitForLeader();
        var reachable = cluster.Followers(leader).First();
        foreach (var id in cluster.Followers(leader).Where(id => id != reachable))
        {
            cluster.Disconnect(leader, id);
        }

        Assert.True(cluster.Node(leader).ReadIndex(7).Accepted);
        cluster.Stabilize();
        cluster.TickAll(3);

        Assert.Empty(cluster.ReadStates(leader));
    }

    [Fact]
    public void Many_reads_share_one_heartbeat_round()
    {
        // Proves batching of reads: reads that arrive before the next Ready are confirmed together by a single round trip, in arrival order.
        var cluster = new TestCluster(3, seed: 4);
        var leader = cluster.WaitForLeader();
        var heartbeatsBefore = cluster.CountDelivered<Heartbeat>();

        cluster.Node(leader).ReadIndex(1);
        cluster.Node(leader).ReadIndex(2);
        cluster.Node(leader).ReadIndex(3);
        cluster.Stabilize();

        Assert.Equal([1UL, 2, 3], cluster.ReadStates(leader).Select(r => r.Context));
        Assert.Equal(2, cluster.CountDelivered<Heartbeat>() - heartbeatsBefore);
    }

    [Fact]
    public void An_isolated_leader_never_confirms_a_read_and_aborts_it_when_it_steps_down()
    {
        // Proves that a deposed-in-waiting leader cannot serve a stale read: the read is never confirmed, and it is reported in Ready.AbortedReads once CheckQuorum makes the leader step down.
        var cluster = new TestCluster(3, seed: 5);
        var leader = cluster.WaitForLeader();
        cluster.Isolate(leader);

        Assert.True(cluster.Node(leader).ReadIndex(99).Accepted);
        while (cluster.Node(leader).Role == RaftRole.Leader)
        {
            cluster.TickAll();
            Assert.Empty(cluster.ReadStates(leader));
        }

        cluster.Stabilize();
        Assert.Equal([99UL], cluster.AbortedReads(leader));
        Assert.Empty(cluster.ReadStates(leader));
    }

    [Fact]
    public void A_follower_refuses_a_read_with_a_leader_hint()
    {
        // Proves that reads go through the leader: a follower answers NotLeader and names the leader.
        var cluster = new TestCluster(3, seed: 6);
        var leader = cluster.WaitForLeader();
        var follower = cluster.Followers(leader).First();

        var result = cluster.Node(follower).ReadIndex(5);

        Assert.False(result.Accepted);
        Assert.Equal(RejectReason.NotLeader, result.Reason);
        Assert.Equal(leader, result.LeaderHint.Value);
    }

    [Fact]
    public void A_read_on_a_new_leader_waits_until_it_commits_an_entry_of_its_term()
    {
        // Proves thesis §6.4 step 1: a new leader does not know the commit index until its empty entry commits, so a read accepted earlier is served at that entry's index or later.
        var cluster = new TestCluster(3, seed: 7);
        var first = cluster.WaitForLeader();
        cluster.Propose(first, "a");
        cluster.Stabilize();
        var next = cluster.Followers(first).First();
        cluster.Crash(first);
        cluster.TickAll(ElectionTimeout);
        cluster.Node(next).Campaign();
        Assert.True(cluster.Stabilize(until: () => cluster.Node(next).Role == RaftRole.Leader));
        var emptyEntry = cluster.Node(next).LastPosition;

        Assert.True(cluster.Node(next).ReadIndex(11).Accepted);
        cluster.Stabilize();

        var read = Assert.Single(cluster.ReadStates(next));
        Assert.Equal(11UL, read.Context);
        Assert.True(read.Index >= emptyEntry.Index, $"read at {read.Index} before the term's first entry {emptyEntry}");
    }

    [Fact]
    public void Too_many_pending_reads_are_refused()
    {
        // Proves the bound on pending reads: beyond MaxPendingReads a leader refuses with TooManyPendingReads.
        var cluster = new TestCluster(3, seed: 8, c => c with { MaxPendingReads = 2 });
        var leader = cluster.WaitForLeader();
        cluster.Isolate(leader);

        Assert.True(cluster.Node(leader).ReadIndex(1).Accepted);
        Assert.True(cluster.Node(leader).ReadIndex(2).Accepted);
        Assert.Equal(RejectReason.TooManyPendingReads, cluster.Node(leader).ReadIndex(3).Reason);
    }
}
