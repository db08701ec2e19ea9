using Synod.Consensus.Raft;
using Synod.Consensus.Tests.Harness;

namespace Synod.Consensus.Tests;

/// <summary>The follower logs of the Raft paper's Figure 7, repaired by a new leader of term 8.</summary>
public sealed class Figure7Tests
{
    private const ulong Leader = 1;

    // Replica 1 is the leader of the figure; replicas 2..7 are followers (a) to (f).
    private static readonly ulong[][] Logs =
    [
        [1, 1, 1, 4, 4, 5, 5, 6, 6, 6],
        [1, 1, 1, 4, 4, 5, 5, 6, 6],
        [1, 1, 1, 4],
        [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
        [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
        [1, 1, 1, 4, 4, 4, 4],
        [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
    ];

    // Each replica's current term: at least its last entry's term; the leader will campaign for term 8.
    private static readonly ulong[] Terms = [7, 6, 4, 6, 7, 4, 3];

    [Fact]
    public void A_new_leader_makes_every_follower_log_match_its_own()
    {
        // Proves log repair (paper §5.3, Figure 7): missing entries are filled in and conflicting uncommitted ones (c, d, e, f) are overwritten until every log equals the leader's.
        var cluster = StartFigure7();

        cluster.Node(Leader).Campaign();
        cluster.Stabilize();

        Assert.Equal(RaftRole.Leader, cluster.Node(Leader).Role);
        Assert.Equal(new Term(8), cluster.Node(Leader).Term);
        ulong[] expected = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 8];
        var expectedCommands = Enumerable.Range(1, 10).Select(i => CraftedLog.Payload((ulong)i, Logs[0][i - 1])).ToArray();
        foreach (var id in cluster.Ids)
        {
            Assert.Equal(expected, cluster.LogTerms(id));
            Assert.Equal(expected, cluster.Storage(id).Entries.Select(e => e.Term.Value));
            Assert.Equal(new LogIndex(11), cluster.Node(id).CommitIndex);
            Assert.Equal(expectedCommands, cluster.Applied(id));
        }

        // (d)'s extra entries of term 7 are gone; (f)'s entries of terms 2 and 3 were replaced.
        Assert.False(cluster.Node(5).TryGetTerm(new LogIndex(12), out _));
        Assert.DoesNotContain(cluster.Storage(7).Entries, e => e.Term.Value is 2 or 3);
    }

    [Fact]
    public void The_leader_skips_a_whole_term_per_rejection()
    {
        // Proves fast log backtracking (paper §5.3, last paragraphs): each follower rejects at most one probe, where backing up one entry at a time would take up to seven round trips for (f).
        var cluster = StartFigure7();

        cluster.Node(Leader).Campaign();
        cluster.Stabilize();

        for (var follower = 2UL; follower <= 7; follower++)
        {
            var rejections = cluster.CountDelivered<AppendEntriesResponse>(m => m.From.Value == follower && !m.Success);
            Assert.True(rejections <= 1, $"follower {follower} rejected {rejections} probes");
        }

        // (c) and (d) already hold index 10 of term 6 and need no probe to be rejected at all.
        Assert.Equal(0, cluster.CountDelivered<AppendEntriesResponse>(m => m.From.Value is 4 or 5 && !m.Success));
    }

    [Fact]
    public void Followers_with_more_up_to_date_logs_refuse_the_figure_leader()
    {
        // Proves the voting rule behind Figure 7: (c) and (d) hold later entries than the leader and refuse it, yet the other four votes make a majority of seven.
        var cluster = StartFigure7();

        cluster.Node(Leader).Campaign();
        cluster.Stabilize();

        var refused = cluster.Delivered.OfType<VoteResponse>()
            .Where(m => !m.IsPreVote && !m.Granted && m.To.Value == Leader)
            .Select(m => m.From.Value)
            .Order();
        Assert.Equal([4UL, 5UL], refused);
        Assert.Equal(RaftRole.Leader, cluster.Node(Leader).Role);
    }

    private static TestCluster StartFigure7()
    {
        var cluster = new TestCluster(7, seed: 7);
        for (var i = 0; i < Logs.Length; i++)
        {
            // Entries 1..3 are committed everywhere in the figure.
            cluster.RestartWith((ulong)i + 1, CraftedLog.HardState(Terms[i], commit: 3), CraftedLog.OfTerms(Logs[i]));
        }

        return cluster;
    }
}
