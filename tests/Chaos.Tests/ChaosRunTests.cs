using Xunit.Abstractions;

namespace Synod.Chaos.Tests;

/// <summary>
/// Chaos runs on three real silo processes (ports 24000–24009 and 24100–24109): the cluster under
/// every fault kind is linearizable, and the same machinery catches a deliberately broken read path.
/// One class, so xunit runs them one after the other.
/// </summary>
public sealed class ChaosRunTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Under_kills_pauses_full_restarts_and_partitions_of_every_kind_the_history_is_linearizable_and_no_acknowledged_write_is_lost()
    {
        // Proves issue 8's Jepsen-style guarantee on real processes: six clients doing reads, writes and compare-and-sets on five keys while the nemesis SIGKILLs and restarts a silo, SIGSTOPs the leader's silo past the election timeout, restarts every silo at once, partitions a silo both ways and one way, and cuts single links (leader–follower or follower–follower); the whole history (final reads after healing included) is linearizable, no acknowledged write is lost, and operations succeed after every fault.
        var options = new ChaosOptions
        {
            Duration = TimeSpan.FromSeconds(38),
            Seed = 8,
            BasePort = 24000,
            FaultLength = TimeSpan.FromSeconds(2),
            Recovery = TimeSpan.FromSeconds(2.5),
        };
        ChaosReport report = await ChaosRunner.RunAsync(options, new OutputWriter(output));
        output.WriteLine(report.Summary());

        Assert.True(report.Check.Verdict == Verdict.Linearizable, report.Check.Explanation);
        Assert.Empty(report.LostWrites);
        foreach (FaultKind kind in Enum.GetValues<FaultKind>())
        {
            Assert.Contains(report.Faults, f => f.Kind == kind);
        }

        Assert.All(report.Faults, f => Assert.True(f.OkOperationsAfter > 0, $"no operation succeeded after {f.Kind} of {f.Target}"));
        Assert.All(report.Operations, counts => Assert.True(counts.Ok > 50, $"only {counts.Ok} {counts.Kind} operations succeeded"));
        Assert.Equal(options.Keys, report.FinalValues.Count);
    }

    [Fact]
    public async Task Reads_served_by_any_replica_without_ReadIndex_are_caught_as_not_linearizable()
    {
        // Proves the checker can fail on a real cluster: with Synod:Testing:UnsafeLocalReads every gateway answers GET from its own silo's replica (a lagging follower; the leader's silo SIGSTOPped while another leader takes writes; a replica cut from the leader, which PreVote keeps from disrupting the group, so it stays behind for the whole cut), clients start on their own silo, and the checker reports the history not linearizable.
        var options = new ChaosOptions
        {
            Duration = TimeSpan.FromSeconds(10),
            Seed = 3,
            BasePort = 24100,
            Faults = [FaultKind.Pause, FaultKind.OneWayPartition, FaultKind.PartialPartition],
            UnsafeLocalReads = true,
            FaultLength = TimeSpan.FromSeconds(2),
            Recovery = TimeSpan.FromSeconds(1.5),
        };
        ChaosReport report = await ChaosRunner.RunAsync(options, new OutputWriter(output));
        output.WriteLine(report.Summary());

        Assert.Equal(Verdict.NotLinearizable, report.Check.Verdict);
        Assert.False(report.Passed);
        Assert.Contains("read()", report.Check.Explanation, StringComparison.Ordinal);
    }

    /// <summary>Progress lines into the test's output.</summary>
    private sealed class OutputWriter(ITestOutputHelper output) : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void WriteLine(string? value) => output.WriteLine(value ?? "");
    }
}
