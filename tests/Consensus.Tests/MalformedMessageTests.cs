using System.Collections.Immutable;
using System.Text;
using Synod.Consensus.Raft;
using Synod.Consensus.Tests.Harness;

namespace Synod.Consensus.Tests;

/// <summary>
/// RaftNode.Step promises never to throw on a peer's message and to count what it ignores
/// (STYLE §5: untrusted input is validated, dropped with a reason and a counter). A correct peer
/// never sends these messages; a corrupted or buggy one can.
/// </summary>
public sealed class MalformedMessageTests
{
    public enum Malformation
    {
        NonContiguousEntries,
        UndecodableMembershipEntry,
        NegativeSnapshotSize,
        HugeSnapshotSize,
        MatchBeyondLeaderLog,
    }

    [Theory]
    [InlineData(Malformation.NonContiguousEntries)]
    [InlineData(Malformation.UndecodableMembershipEntry)]
    [InlineData(Malformation.NegativeSnapshotSize)]
    [InlineData(Malformation.HugeSnapshotSize)]
    [InlineData(Malformation.MatchBeyondLeaderLog)]
    public void A_malformed_message_is_dropped_without_throwing_and_the_group_carries_on(Malformation malformation)
    {
        // Proves the Step contract for malformed input: the replica does not throw, keeps its log, and the group keeps committing.
        var cluster = new TestCluster(3, seed: 1);
        var leader = cluster.WaitForLeader();
        var follower = cluster.Followers(leader).First();
        cluster.Propose(leader, "a");
        cluster.Stabilize();
        var term = cluster.Node(leader).Term;
        var last = cluster.Node(leader).LastPosition;
        var (target, message) = Build(malformation, leader, follower, term, last);
        var before = cluster.Node(target).LastPosition;

        var thrown = Record.Exception(() => cluster.Node(target).Step(message));

        Assert.Null(thrown);
        Assert.Equal(before, cluster.Node(target).LastPosition);
        cluster.Propose(leader, "b");
        cluster.TickAll(3);
        Assert.All(cluster.Ids, id => Assert.Equal(["a", "b"], cluster.Applied(id)));
    }

    private static (ulong Target, RaftMessage Message) Build(Malformation malformation, ulong leader, ulong follower, Term term, LogPosition last)
    {
        var from = new ReplicaId(leader);
        var to = new ReplicaId(follower);
        switch (malformation)
        {
            case Malformation.NonContiguousEntries:
                ImmutableArray<Entry> gap =
                [
                    new(last.Index.Next(), term, EntryKind.Command, Encoding.UTF8.GetBytes("x")),
                    new(last.Index.Plus(3), term, EntryKind.Command, Encoding.UTF8.GetBytes("y")),
                ];
                return (follower, new AppendEntries(from, to, term, last, gap, LogIndex.Zero));
            case Malformation.UndecodableMembershipEntry:
                ImmutableArray<Entry> garbage = [new(last.Index.Next(), term, EntryKind.MembershipChange, new byte[] { 1, 2, 3 })];
                return (follower, new AppendEntries(from, to, term, last, garbage, LogIndex.Zero));
            case Malformation.NegativeSnapshotSize:
                return (follower, Snapshot(from, to, term, last, sizeBytes: -5));
            case Malformation.HugeSnapshotSize:
                return (follower, Snapshot(from, to, term, last, sizeBytes: long.MaxValue));
            default:
                return (leader, new AppendEntriesResponse(to, from, term, true, last.Index.Plus(1_000), LogIndex.Zero, default));
        }
    }

    private static InstallSnapshot Snapshot(ReplicaId from, ReplicaId to, Term term, LogPosition last, long sizeBytes) =>
        new(from, to, term, new SnapshotMetadata(new LogPosition(last.Index.Plus(10), term), Membership.OfVoters(new(1), new(2), new(3)), sizeBytes),
            0, new byte[] { 1 }, IsLastChunk: false);
}
