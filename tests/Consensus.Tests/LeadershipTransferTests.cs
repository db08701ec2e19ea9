using System.Text;
using Synod.Consensus.Raft;
using Synod.Consensus.Tests.Harness;

namespace Synod.Consensus.Tests;

public sealed class LeadershipTransferTests
{
    private const int ElectionTimeout = 10;

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    public void Transfer_makes_the_target_leader_in_the_next_term(ulong seed)
    {
        // Proves leadership transfer (thesis §3.10): the target wins the very next term, despite the CheckQuorum lease of the other replicas, and the old leader follows it.
        var cluster = new TestCluster(3, seed);
        var leader = cluster.WaitForLeader();
        var term = cluster.Node(leader).Term;
        var target = cluster.Followers(leader).Last();
        cluster.Propose(leader, "a");
        cluster.Stabilize();

        var result = cluster.Node(leader).TransferLeadership(new ReplicaId(target));
        Assert.True(result.Accepted, result.ToString());
        cluster.Stabilize();

        Assert.Equal(target, cluster.Leader());
        Assert.Equal(term.Next(), cluster.Node(target).Term);
        Assert.Equal(RaftRole.Follower, cluster.Node(leader).Role);
        Assert.Equal(target, cluster.Node(leader).Leader.Value);
        cluster.Propose(target, "b");
        cluster.TickAll();
        Assert.All(cluster.Ids, id => Assert.Equal(["a", "b"], cluster.Applied(id)));
    }

    [Fact]
    public void Proposals_are_refused_while_a_transfer_to_a_lagging_target_is_in_progress()
    {
        // Proves that the leader stops accepting proposals during a transfer (thesis §3.10), first brings the lagging target up to date, and only then hands over.
        var cluster = new TestCluster(3, seed: 3);
        var leader = cluster.WaitForLeader();
        var term = cluster.Node(leader).Term;
        var target = cluster.Followers(leader).First();

        // The target misses three commands.
        cluster.Cut(leader, target);
        cluster.Propose(leader, "a");
        cluster.Propose(leader, "b");
        cluster.Propose(leader, "c");
        cluster.Stabilize();
        cluster.Heal();
        Assert.Empty(cluster.Applied(target));

        Assert.True(cluster.Node(leader).TransferLeadership(new ReplicaId(target)).Accepted);
        var refused = cluster.Node(leader).Propose(Encoding.UTF8.GetBytes("during"));

        Assert.False(refused.Accepted);
        Assert.Equal(RejectReason.LeadershipTransferInProgress, refused.Reason);
        Assert.Equal(leader, refused.LeaderHint.Value);
        Assert.Equal(target, cluster.Node(leader).GetStatus().TransferTarget.Value);

        cluster.Stabilize();

        Assert.Equal(target, cluster.Leader());
        Assert.Equal(term.Next(), cluster.Node(target).Term);
        var notLeader = cluster.Node(leader).Propose(Encoding.UTF8.GetBytes("to the old leader"));
        Assert.Equal(RejectReason.NotLeader, notLeader.Reason);
        Assert.Equal(target, notLeader.LeaderHint.Value);
        cluster.TickAll();
        Assert.All(cluster.Ids, id => Assert.Equal(["a", "b", "c"], cluster.Applied(id)));
    }

    [Fact]
    public void A_transfer_to_an_unreachable_target_is_abandoned_after_an_election_timeout()
    {
        // Proves that a transfer that cannot finish is given up after one election timeout (thesis §3.10), so the group accepts proposals again under the same leader.
        var cluster = new TestCluster(3, seed: 5);
        var leader = cluster.WaitForLeader();
        var term = cluster.Node(leader).Term;
        var target = cluster.Followers(leader).First();
        cluster.Crash(target);

        Assert.True(cluster.Node(leader).TransferLeadership(new ReplicaId(target)).Accepted);
        cluster.TickAll(ElectionTimeout - 1);
        Assert.Equal(RejectReason.LeadershipTransferInProgress, cluster.Node(leader).Propose(Encoding.UTF8.GetBytes("x")).Reason);

        cluster.TickAll(1);

        Assert.Equal(leader, cluster.Leader());
        Assert.Equal(term, cluster.Node(leader).Term);
        Assert.True(cluster.Node(leader).GetStatus().TransferTarget.IsNone);
        cluster.Propose(leader, "after");
        cluster.Stabilize();
        Assert.Equal(["after"], cluster.Applied(leader));
    }

    [Fact]
    public void Transfer_requests_that_cannot_be_honoured_are_refused()
    {
        // Proves the request checks: a follower answers NotLeader with a hint, a non-member target is InvalidTarget, and a transfer to the leader itself is a no-op.
        var cluster = new TestCluster(3, seed: 1);
        var leader = cluster.WaitForLeader();
        var follower = cluster.Followers(leader).First();

        var fromFollower = cluster.Node(follower).TransferLeadership(new ReplicaId(leader));
        Assert.Equal(RejectReason.NotLeader, fromFollower.Reason);
        Assert.Equal(leader, fromFollower.LeaderHint.Value);
        Assert.Equal(RejectReason.InvalidTarget, cluster.Node(leader).TransferLeadership(new ReplicaId(9)).Reason);
        Assert.True(cluster.Node(leader).TransferLeadership(new ReplicaId(leader)).Accepted);
        cluster.Propose(leader, "still leading");
        cluster.Stabilize();
        Assert.Equal(leader, cluster.Leader());
    }
}
