using System.Collections.Immutable;
using Synod.Consensus.Raft;
using Synod.Consensus.Tests.Harness;

namespace Synod.Consensus.Tests;

/// <summary>Regressions for the findings of the first review of the Raft core.</summary>
public sealed class ReviewRegressionTests
{
    private static RaftConfig Lease(RaftConfig config) => config with { ReadMode = ReadMode.LeaseBased };

    [Fact]
    public void An_explicit_campaign_by_a_follower_that_just_heard_the_leader_is_refused_in_lease_mode()
    {
        // Proves the lease cannot be broken from inside: a replica that acknowledged the leader within an election timeout does not campaign, even when told to, so the leader's lease reads stay linearizable.
        var cluster = new TestCluster(3, seed: 2, Lease);
        var leader = cluster.WaitForLeader();
        cluster.TickAll();
        var follower = cluster.Followers(leader).First();
        var term = cluster.Node(follower).Term;

        cluster.Node(follower).Campaign();
        cluster.Stabilize();

        Assert.Equal(RaftRole.Follower, cluster.Node(follower).Role);
        Assert.Equal(term, cluster.Node(follower).Term);
        Assert.Equal(RaftRole.Leader, cluster.Node(leader).Role);
        Assert.True(cluster.Node(follower).Counters.VotesIgnoredInLease > 0);
    }

    [Fact]
    public void Snapshot_chunks_from_two_leaders_are_never_spliced()
    {
        // Proves a follower restarts a transfer from offset 0 when another leader (or term) resumes an equal-looking snapshot, so it never installs bytes mixed from two encodings of one state.
        var receiver = new SnapshotReceiver();
        var metadata = new SnapshotMetadata(new LogPosition(new LogIndex(100), new Term(1)), Membership.OfVoters(new(1), new(2), new(3)), 8);
        var a = new ReplicaId(2);
        var b = new ReplicaId(3);

        Assert.Null(receiver.Accept(a, new Term(1), Chunk(a, 1, metadata, 0, "AAAA", last: false), out var next));
        Assert.Equal(4, next);
        Assert.Null(receiver.Accept(b, new Term(2), Chunk(b, 2, metadata, 4, "BBBB", last: true), out next));
        Assert.Equal(0, next);

        Assert.Null(receiver.Accept(b, new Term(2), Chunk(b, 2, metadata, 0, "BBBB", last: false), out _));
        var snapshot = receiver.Accept(b, new Term(2), Chunk(b, 2, metadata, 4, "BBBB", last: true), out _);
        Assert.NotNull(snapshot);
        Assert.Equal("BBBBBBBB", System.Text.Encoding.ASCII.GetString(snapshot.Data.Span));
    }

    [Fact]
    public void A_membership_payload_with_replica_zero_or_a_repeated_id_does_not_decode()
    {
        // Proves the codec refuses payloads that would trip Membership's invariants, so Step drops them instead of throwing.
        var valid = MembershipCodec.Encode(new MembershipChange(MembershipChangeKind.AddLearner, new ReplicaId(4)), Membership.Create([new ReplicaId(1), new ReplicaId(2)], [new ReplicaId(4)]));
        Assert.True(MembershipCodec.TryDecode(valid, out _, out _));

        var zero = (byte[])valid.Clone();
        zero[13] = 0; // first voter's id: 1 -> 0
        Assert.False(MembershipCodec.TryDecode(zero, out _, out _));

        var repeated = (byte[])valid.Clone();
        Array.Copy(valid, 13, repeated, 13 + 16 + 4, 8); // learner id := first voter id
        Assert.False(MembershipCodec.TryDecode(repeated, out _, out _));
    }

    [Fact]
    public void Messages_with_missing_entries_or_an_implausible_term_are_dropped_and_counted()
    {
        // Proves two more malformed inputs never throw from Step: a default entries array and a term near ulong.MaxValue.
        var cluster = new TestCluster(3, seed: 1);
        var leader = cluster.WaitForLeader();
        var follower = cluster.Followers(leader).First();
        var node = cluster.Node(follower);
        var term = node.Term;
        var before = node.Counters.MalformedMessages;

        node.Step(new AppendEntries(new ReplicaId(leader), new ReplicaId(follower), term, default, default, LogIndex.Zero));
        node.Step(new Heartbeat(new ReplicaId(leader), new ReplicaId(follower), new Term(ulong.MaxValue), LogIndex.Zero, 0));

        Assert.Equal(before + 2, node.Counters.MalformedMessages);
        Assert.Equal(term, node.Term);
    }

    private static InstallSnapshot Chunk(ReplicaId from, ulong term, SnapshotMetadata metadata, long offset, string text, bool last) =>
        new(from, new ReplicaId(1), new Term(term), metadata, offset, System.Text.Encoding.ASCII.GetBytes(text), last);
}

public sealed class VoteTallyTests
{
    [Fact]
    public void A_campaign_is_won_or_lost_by_a_quorum_of_current_voters_only()
    {
        // Proves the tally counts only current voters: a learner's grant does not complete a quorum, two of three voters do, and two refusals lose.
        var membership = Membership.Create([new ReplicaId(1), new ReplicaId(2), new ReplicaId(3)], [new ReplicaId(4)]);
        var tally = new VoteTally();
        tally.Record(new ReplicaId(1), true);
        tally.Record(new ReplicaId(4), true);
        Assert.Equal(ElectionOutcome.Pending, tally.Outcome(membership));

        tally.Record(new ReplicaId(2), true);
        Assert.Equal(ElectionOutcome.Won, tally.Outcome(membership));

        tally.Clear();
        tally.Record(new ReplicaId(2), false);
        tally.Record(new ReplicaId(3), false);
        Assert.Equal(ElectionOutcome.Lost, tally.Outcome(membership));
        Assert.False(tally.HasAnswered(new ReplicaId(1)));
    }
}
