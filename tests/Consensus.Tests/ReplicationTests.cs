using System.Text;
using Synod.Consensus.Raft;
using Synod.Consensus.Tests.Harness;

namespace Synod.Consensus.Tests;

public sealed class ReplicationTests
{
    [Fact]
    public void Proposals_beyond_the_uncommitted_limit_are_refused()
    {
        // Proves the bound on uncommitted entries: a leader that cannot commit refuses proposals with TooManyUncommitted once MaxUncommittedEntries are pending.
        var cluster = new TestCluster(3, seed: 7, c => c with { MaxUncommittedEntries = 3 });
        var leader = cluster.WaitForLeader();
        foreach (var id in cluster.Followers(leader).ToArray())
        {
            cluster.Crash(id);
        }

        cluster.Propose(leader, "1");
        cluster.Propose(leader, "2");
        cluster.Propose(leader, "3");
        var refused = cluster.Node(leader).Propose(Encoding.UTF8.GetBytes("4"));

        Assert.Equal(RejectReason.TooManyUncommitted, refused.Reason);
    }

    [Fact]
    public void A_follower_proposal_is_refused_with_a_leader_hint()
    {
        // Proves that only the leader accepts commands and that a follower names the leader to try.
        var cluster = new TestCluster(3, seed: 1);
        var leader = cluster.WaitForLeader();
        var follower = cluster.Followers(leader).First();

        var result = cluster.Node(follower).Propose(Encoding.UTF8.GetBytes("x"));

        Assert.False(result.Accepted);
        Assert.Equal(RejectReason.NotLeader, result.Reason);
        Assert.Equal(leader, result.LeaderHint.Value);
    }

    [Fact]
    public void A_follower_down_for_more_than_the_inflight_window_catches_up()
    {
        // Proves flow control recovers: a follower down while the leader filled its inflight window (MaxInflightAppends) is probed, resynchronised and brought up to date after it restarts.
        var cluster = new TestCluster(3, seed: 2, c => c with { MaxInflightAppends = 4, MaxEntriesPerAppend = 2 });
        var leader = cluster.WaitForLeader();
        var lagging = cluster.Followers(leader).First();
        cluster.Crash(lagging);

        var expected = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            expected.Add($"cmd-{i}");
            cluster.Propose(leader, expected[^1]);
            cluster.Stabilize();
        }

        cluster.Restart(lagging);
        cluster.TickAll(3);

        Assert.Equal(expected, cluster.Applied(lagging));
        Assert.Equal(cluster.Node(leader).LastPosition, cluster.Node(lagging).LastPosition);
        Assert.Equal(cluster.Node(leader).CommitIndex, cluster.Node(lagging).CommitIndex);
    }

    [Fact]
    public void Lost_appends_are_recovered_through_heartbeats()
    {
        // Proves that a leader repairs a follower whose AppendEntries were all lost: the heartbeat exchange reveals the gap and the leader resends, with no new proposal needed.
        var cluster = new TestCluster(3, seed: 3);
        var leader = cluster.WaitForLeader();
        var victim = cluster.Followers(leader).First();

        cluster.DropIf = m => m is AppendEntries { Entries.IsEmpty: false } && m.To.Value == victim;
        cluster.Propose(leader, "a");
        cluster.Propose(leader, "b");
        cluster.Stabilize();
        Assert.Empty(cluster.Applied(victim));
        cluster.DropIf = null;

        cluster.TickAll(2);

        Assert.Equal(["a", "b"], cluster.Applied(victim));
    }

    [Fact]
    public void Duplicated_and_reordered_appends_change_nothing()
    {
        // Proves that stale AppendEntries (a duplicate of an earlier message delivered after newer ones) never truncate a follower's log or move its commit index backwards.
        var cluster = new TestCluster(3, seed: 4);
        var leader = cluster.WaitForLeader();
        var follower = cluster.Followers(leader).First();
        cluster.Propose(leader, "a");
        cluster.Stabilize();
        var early = cluster.Delivered.OfType<AppendEntries>().Last(m => m.To.Value == follower && !m.Entries.IsEmpty);
        cluster.Propose(leader, "b");
        cluster.Propose(leader, "c");
        cluster.TickAll();
        var before = cluster.Node(follower).GetStatus();

        cluster.Node(follower).Step(early);
        cluster.Stabilize();

        var after = cluster.Node(follower).GetStatus();
        Assert.Equal(before.Last, after.Last);
        Assert.Equal(before.Commit, after.Commit);
        Assert.Equal(["a", "b", "c"], cluster.Applied(follower));
    }

    [Fact]
    public void Messages_from_an_older_term_are_ignored_and_counted()
    {
        // Proves paper §5.1: a message of an older term changes nothing and is counted, and a stale leader's append is answered with the newer term so that it steps down.
        var cluster = new TestCluster(3, seed: 5);
        var leader = cluster.WaitForLeader();
        var follower = cluster.Followers(leader).First();
        var term = cluster.Node(follower).Term;
        var stale = new AppendEntries(new ReplicaId(9), new ReplicaId(follower), new Term(term.Value - 1), default, [], LogIndex.Zero);

        cluster.Node(follower).Step(stale);

        Assert.Equal(1, cluster.Node(follower).Counters.StaleTermMessages);
        Assert.Equal(term, cluster.Node(follower).Term);
        Assert.Equal(leader, cluster.Node(follower).Leader.Value);
        var ready = cluster.Node(follower).TakeReady();
        var answer = Assert.IsType<AppendEntriesResponse>(Assert.Single(ready.Messages));
        Assert.Equal(term, answer.Term);
        Assert.False(answer.Success);
        cluster.Node(follower).Advance(ready);
    }

    [Fact]
    public void Misaddressed_messages_are_ignored_and_counted()
    {
        // Proves that a replica ignores, and counts, a message addressed to another replica or claiming to come from itself.
        var cluster = new TestCluster(3, seed: 6);
        var leader = cluster.WaitForLeader();
        var follower = cluster.Followers(leader).First();
        var term = cluster.Node(follower).Term;

        cluster.Node(follower).Step(new Heartbeat(new ReplicaId(leader), new ReplicaId(99), term.Next(), LogIndex.Zero, 0));
        cluster.Node(follower).Step(new Heartbeat(new ReplicaId(follower), new ReplicaId(follower), term.Next(), LogIndex.Zero, 0));

        Assert.Equal(2, cluster.Node(follower).Counters.MisaddressedMessages);
        Assert.Equal(term, cluster.Node(follower).Term);
    }
}
