using Synod.Consensus.Raft;
using Synod.Consensus.Tests.Harness;

namespace Synod.Consensus.Tests;

public sealed class LeaseReadTests
{
    private static readonly Func<RaftConfig, RaftConfig> Lease = c => c with { ReadMode = ReadMode.LeaseBased };

    [Fact]
    public void A_lease_read_is_served_without_a_round_trip_while_the_lease_holds()
    {
        // Proves lease reads (thesis §6.4.1): after a quorum acknowledged a recent heartbeat, the leader confirms a read in its very next Ready, with no message exchanged.
        var cluster = new TestCluster(3, seed: 1, Lease);
        var leader = cluster.WaitForLeader();
        cluster.Propose(leader, "a");
        cluster.TickAll();
        var commit = cluster.Node(leader).CommitIndex;
        var delivered = cluster.Delivered.Count;

        Assert.True(cluster.Node(leader).ReadIndex(3).Accepted);
        cluster.ProcessReady(leader);

        Assert.Equal([new ReadState(commit, 3)], cluster.ReadStates(leader));
        Assert.Equal(delivered, cluster.Delivered.Count);
    }

    [Fact]
    public void Without_a_recent_quorum_acknowledgement_a_lease_read_falls_back_to_a_round_trip()
    {
        // Proves the lease expires: ElectionTimeoutTicks - LeaseSafetyMarginTicks after the last heartbeat a quorum acknowledged, the leader no longer answers reads from its lease.
        var cluster = new TestCluster(3, seed: 2, Lease);
        var leader = cluster.WaitForLeader();
        cluster.TickAll();
        var config = cluster.Config(leader);
        cluster.Isolate(leader);

        cluster.TickAll(config.ElectionTimeoutTicks - config.LeaseSafetyMarginTicks - 1);
        Assert.True(cluster.Node(leader).ReadIndex(1).Accepted);
        cluster.ProcessReady(leader);
        Assert.Equal([1UL], cluster.ReadStates(leader).Select(r => r.Context));

        cluster.TickAll(1);
        Assert.Equal(RaftRole.Leader, cluster.Node(leader).Role);
        Assert.True(cluster.Node(leader).ReadIndex(2).Accepted);
        cluster.ProcessReady(leader);
        Assert.Equal([1UL], cluster.ReadStates(leader).Select(r => r.Context));
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void An_old_leader_never_serves_a_lease_read_once_a_new_leader_exists(ulong seed)
    {
        // Proves the lease is safe when clocks run at the same rate: at no tick after a partition do the isolated old leader's lease and a newer leader coexist.
        var cluster = new TestCluster(5, seed, Lease);
        var oldLeader = cluster.WaitForLeader();
        cluster.TickAll();
        var others = cluster.Followers(oldLeader).ToArray();
        cluster.Isolate(oldLeader);

        var context = 100UL;
        var overlappingTicks = 0;
        for (var tick = 0; tick < 5 * cluster.Config(oldLeader).ElectionTimeoutTicks; tick++)
        {
            cluster.TickAll();
            if (cluster.Leader(others) is null || cluster.Node(oldLeader).Role != RaftRole.Leader)
            {
                continue;
            }

            overlappingTicks++;
            var served = cluster.ReadStates(oldLeader).Count;
            cluster.Node(oldLeader).ReadIndex(context++);
            cluster.ProcessReady(oldLeader);
            Assert.Equal(served, cluster.ReadStates(oldLeader).Count);
        }

        Assert.NotNull(cluster.Leader(others));

        // The scenario is only meaningful if the two leaderships did overlap for some ticks.
        Assert.True(overlappingTicks > 0, "the old leader stepped down before a new leader was elected");
    }

    [Fact]
    public void Lease_reads_require_CheckQuorum()
    {
        // Proves configuration validation: a lease is only sound if a leader steps down when it loses its quorum.
        var config = new RaftConfig { Id = new ReplicaId(1), ReadMode = ReadMode.LeaseBased, CheckQuorum = false };

        Assert.Throws<ArgumentException>(config.Validate);
    }

    [Fact]
    public void A_restarted_replica_withholds_its_vote_for_an_election_timeout()
    {
        // Proves the restart guard of lease reads: a replica that restarts has forgotten when it last heard the leader, so it ignores vote requests for one election timeout and cannot help elect a new leader while the old one's lease may still hold.
        var cluster = new TestCluster(3, seed: 4, Lease);
        var oldLeader = cluster.WaitForLeader();
        cluster.TickAll();
        var (a, b) = (cluster.Followers(oldLeader).First(), cluster.Followers(oldLeader).Last());
        cluster.Isolate(oldLeader);
        cluster.Crash(a);
        cluster.Crash(b);
        cluster.Restart(a);
        cluster.Restart(b);

        var overlappingTicks = 0;
        for (var tick = 0; tick < 5 * cluster.Config(a).ElectionTimeoutTicks; tick++)
        {
            // A campaign forced on every tick would win at once without the guard.
            cluster.Node(a).Campaign();
            cluster.TickAll();
            if (cluster.Leader(a, b) is null || cluster.Node(oldLeader).Role != RaftRole.Leader)
            {
                continue;
            }

            overlappingTicks++;
            var served = cluster.ReadStates(oldLeader).Count;
            cluster.Node(oldLeader).ReadIndex(1_000UL + (ulong)tick);
            cluster.ProcessReady(oldLeader);
            Assert.Equal(served, cluster.ReadStates(oldLeader).Count);
        }

        Assert.NotNull(cluster.Leader(a, b));
        Assert.True(cluster.Node(a).Counters.VotesIgnoredInLease + cluster.Node(b).Counters.VotesIgnoredInLease > 0, "the restart guard never held back a campaign or a vote");
    }

    [Fact]
    public void After_TimeoutNow_the_old_leader_serves_no_lease_read_even_once_the_transfer_window_closes()
    {
        // Proves that a lease read stays linearizable across a leadership transfer: once TimeoutNow has gone out the target may win at once (voters waive their lease for it), so heartbeats acknowledged before it must not revive the old leader's lease when the transfer window ends.
        var cluster = new TestCluster(3, seed: 1, Lease);
        var oldLeader = cluster.WaitForLeader();
        cluster.TickAll();
        var oldTerm = cluster.Node(oldLeader).Term;
        var (target, other) = (cluster.Followers(oldLeader).First(), cluster.Followers(oldLeader).Last());
        var timeout = cluster.Config(oldLeader).ElectionTimeoutTicks;

        // The target lags, so the transfer waits for it to catch up.
        cluster.Cut(oldLeader, target);
        cluster.Propose(oldLeader, "a");
        cluster.Stabilize();
        Assert.True(cluster.Node(oldLeader).TransferLeadership(new ReplicaId(target)).Accepted);
        cluster.TickAll(timeout - 2);

        // One tick before the window closes the link heals: the target catches up, receives
        // TimeoutNow and wins the next term with the other follower's vote. From then on nothing of
        // the new term reaches the old leader (a partition that begins at that moment).
        cluster.Heal();
        cluster.DropIf = m => m.To.Value == oldLeader && m.Term > oldTerm;
        cluster.TickAll();
        Assert.Equal(1, cluster.CountDelivered<TimeoutNow>());
        Assert.Equal(target, cluster.Leader(target, other));
        Assert.Equal(oldTerm.Next(), cluster.Node(target).Term);

        // The new leader commits a write the old leader cannot know about.
        var write = cluster.Propose(target, "x");
        cluster.Stabilize();
        Assert.Contains("x", cluster.Applied(other));

        // The transfer window closes; the old leader still believes it leads.
        cluster.TickAll();
        Assert.Equal(RaftRole.Leader, cluster.Node(oldLeader).Role);
        Assert.True(cluster.Node(oldLeader).GetStatus().TransferTarget.IsNone);

        Assert.True(cluster.Node(oldLeader).ReadIndex(77).Accepted);
        cluster.ProcessReady(oldLeader);

        // A read confirmed now would miss "x", committed before the read began.
        Assert.DoesNotContain(cluster.ReadStates(oldLeader), r => r.Context == 77 && r.Index < write.Index);
    }
}
