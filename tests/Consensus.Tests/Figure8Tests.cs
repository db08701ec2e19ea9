using Synod.Consensus.Raft;
using Synod.Consensus.Tests.Harness;

namespace Synod.Consensus.Tests;

/// <summary>
/// The Raft paper's Figure 8: an entry of an earlier term stored on a majority may still be
/// overwritten, so a leader commits entries of earlier terms only by committing one of its own term.
/// </summary>
public sealed class Figure8Tests
{
    // Figure 8 concerns the basic algorithm; with PreVote and CheckQuorum the replicas that just heard
    // from S1 would (rightly) ignore S5 in step (d) for an election timeout. One entry per
    // AppendEntries lets S1 send the term-2 entry on its own, as in the figure.
    private static readonly Func<RaftConfig, RaftConfig> Basic =
        c => c with { PreVote = false, CheckQuorum = false, MaxEntriesPerAppend = 1 };

    private static readonly string OldEntry = CraftedLog.Payload(2, 2);
    private static readonly string RivalEntry = CraftedLog.Payload(2, 3);

    [Fact]
    public void An_old_term_entry_on_a_majority_is_not_committed_by_counting_replicas()
    {
        // Proves the commitment rule (paper §5.4.2): in state (c) the term-2 entry is stored on S1, S2 and S3, a majority, and the leader knows it, yet its commit index stays at 1.
        var cluster = ReachFigure8C();

        Assert.Equal(RaftRole.Leader, cluster.Node(1).Role);
        Assert.Equal(new Term(4), cluster.Node(1).Term);
        foreach (var id in new ulong[] { 1, 2, 3 })
        {
            Assert.True(cluster.Node(id).TryGetTerm(new LogIndex(2), out var term) && term == new Term(2), $"S{id} holds 2@2");
        }

        var progress = cluster.Node(1).GetStatus().Progress;
        Assert.Equal(new LogIndex(3), progress.Single(p => p.Id.Value == 2).Match);
        Assert.Equal(new LogIndex(2), progress.Single(p => p.Id.Value == 3).Match);
        Assert.Equal(new LogIndex(1), cluster.Node(1).CommitIndex);
        Assert.DoesNotContain(OldEntry, cluster.Applied(1));
    }

    [Fact]
    public void An_uncommitted_old_term_entry_on_a_majority_can_be_overwritten()
    {
        // Proves why the rule is needed (Figure 8 (d)): S1 crashes, S5 wins term 5 with votes from S3 and S4, and replaces the term-2 entry everywhere, which is safe only because it was never committed.
        var cluster = ReachFigure8C();

        cluster.Crash(1);
        cluster.Restart(5);
        cluster.Heal();
        CampaignUntilLeader(cluster, 5);
        cluster.Stabilize();

        Assert.Equal(new Term(5), cluster.Node(5).Term);
        foreach (var id in new ulong[] { 2, 3, 4, 5 })
        {
            Assert.Equal([1UL, 3, 5], cluster.LogTerms(id));
            Assert.Equal([CraftedLog.Payload(1, 1), RivalEntry], cluster.Applied(id));
        }

        // S1 comes back and its term-2 and term-4 entries are replaced as well.
        cluster.Restart(1);
        cluster.TickAll();
        Assert.Equal([1UL, 3, 5], cluster.LogTerms(1));
        Assert.Equal([CraftedLog.Payload(1, 1), RivalEntry], cluster.Applied(1));
    }

    [Fact]
    public void An_old_term_entry_commits_together_with_an_entry_of_the_current_term()
    {
        // Proves Figure 8 (e): once S1 replicates its term-4 entry to a majority, index 3 commits and the term-2 entry before it commits with it, never on its own, and S5 can no longer win.
        var cluster = ReachFigure8C();

        cluster.Stabilize(until: () => cluster.Node(1).CommitIndex > new LogIndex(1));

        Assert.Equal(new LogIndex(3), cluster.Node(1).CommitIndex);
        cluster.Stabilize();
        cluster.Restart(5);
        cluster.Heal();
        cluster.TickAll(5);

        Assert.Equal(1UL, cluster.Leader());
        Assert.Equal(new Term(4), cluster.Node(1).Term);
        foreach (var id in cluster.Ids)
        {
            Assert.Equal([1UL, 2, 4], cluster.LogTerms(id));
            Assert.Equal([CraftedLog.Payload(1, 1), OldEntry], cluster.Applied(id));
        }
    }

    // Builds Figure 8 (b) from crafted storage, then plays (c): S5 is down, S1 wins term 4 with the
    // votes of S2 and S3 (S4 is unreachable), appends 3@4 and brings S3 the term-2 entry. The run
    // stops the moment S1 hears that S3 stores index 2, before S1 sends S3 its term-4 entry.
    private static TestCluster ReachFigure8C()
    {
        var cluster = new TestCluster(5, seed: 8, Basic);
        cluster.RestartWith(1, CraftedLog.HardState(term: 2, vote: 1, commit: 1), CraftedLog.OfTerms(1, 2));
        cluster.RestartWith(2, CraftedLog.HardState(term: 2, vote: 1, commit: 1), CraftedLog.OfTerms(1, 2));
        cluster.RestartWith(3, CraftedLog.HardState(term: 3, vote: 5, commit: 1), CraftedLog.OfTerms(1));
        cluster.RestartWith(4, CraftedLog.HardState(term: 3, vote: 5, commit: 1), CraftedLog.OfTerms(1));
        cluster.RestartWith(5, CraftedLog.HardState(term: 3, vote: 5, commit: 1), CraftedLog.OfTerms(1, 3));
        cluster.Crash(5);
        cluster.Disconnect(1, 4);

        // Term 3 fails (S3 already voted for S5 in it); term 4 succeeds.
        cluster.Node(1).Campaign();
        cluster.Stabilize();
        Assert.Equal(new Term(3), cluster.Node(1).Term);
        Assert.NotEqual(RaftRole.Leader, cluster.Node(1).Role);
        cluster.Node(1).Campaign();
        var reached = cluster.Stabilize(until: () =>
            cluster.Node(1).Role == RaftRole.Leader
            && cluster.Node(1).GetStatus().Progress.Single(p => p.Id.Value == 3).Match == new LogIndex(2));
        Assert.True(reached, "S1 never learned that S3 stores index 2");
        return cluster;
    }

    private static void CampaignUntilLeader(TestCluster cluster, ulong id)
    {
        for (var attempt = 0; attempt < 5 && cluster.Node(id).Role != RaftRole.Leader; attempt++)
        {
            cluster.Node(id).Campaign();
            cluster.Stabilize();
        }

        Assert.Equal(RaftRole.Leader, cluster.Node(id).Role);
    }
}
