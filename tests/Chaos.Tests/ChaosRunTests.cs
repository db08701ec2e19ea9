using Xunit.Abstractions;

namespace Synod.Chaos.Tests;

/// <summary>
/// Chaos runs on three real silo processes (ports 24000–24009, 24100–24109, 27000–27009 and
/// 27010–27019): the cluster under every fault kind is linearizable, the same machinery catches a
/// deliberately broken read path, and under a sustained partial partition every silo's gateway keeps
/// taking writes (and, without the gateway's relay, the cut-off one does not).
/// In the chaos collection, so xunit runs them one after the other.
/// </summary>
[Collection(ChaosProcessesCollection.Name)]
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

    [Fact]
    public async Task Under_a_sustained_cut_between_the_leaders_silo_and_a_followers_every_gateway_takes_writes_and_the_leader_stays()
    {
        // Proves issue 8's availability target on real processes: with kv-0's leader's silo and one follower's unable to reach each other (both directions) for 15 s, a writer attached to each silo's gateway alone has a successful write in at least 99% of the one-second windows after the first, the leader and term never change (every silo's own replica sampled every 250 ms during the cut and 2 s after it), and the whole history, with six mixed clients besides, is linearizable with no acknowledged write lost.
        ChaosReport report = await RunAvailabilityAsync(basePort: 27000, noGatewayRelay: false);

        Assert.True(report.Check.Verdict == Verdict.Linearizable, report.Check.Explanation);
        Assert.Empty(report.LostWrites);
        AvailabilityReport availability = report.Availability!;
        Assert.True(availability.LeaderKept, string.Join("; ", availability.LeadershipChanges));
        Assert.True(availability.Samples > 30, $"only {availability.Samples} status samples");
        Assert.Equal(3, availability.Gateways.Count);
        Assert.All(availability.Gateways, g => Assert.True(g.Windows >= 13 && g.Share >= 0.99, $"gateway of silo {g.Silo} ({g.Role}): {g.WindowsWithWrite}/{g.Windows} windows"));
    }

    [Fact]
    public async Task Without_the_gateway_relay_the_cut_off_silos_gateway_serves_no_writes_so_the_measurement_can_fail()
    {
        // Proves the availability measurement can fail: the same cut with Synod:Testing:NoGatewayRelay leaves the cut-off follower's gateway unable to reach the leader, so it serves (almost) no window while the other two still serve every one; the history stays linearizable (its writes are refused or indeterminate, never wrong).
        ChaosReport report = await RunAvailabilityAsync(basePort: 27010, noGatewayRelay: true);

        Assert.True(report.Check.Verdict == Verdict.Linearizable, report.Check.Explanation);
        AvailabilityReport availability = report.Availability!;
        GatewayAvailability cutOff = Assert.Single(availability.Gateways, g => g.Silo == availability.CutSilo);
        Assert.True(cutOff.Share < 0.2, $"the cut-off gateway served {cutOff.WindowsWithWrite}/{cutOff.Windows} windows without the relay");
        Assert.All(availability.Gateways.Where(g => g.Silo != availability.CutSilo), g => Assert.True(g.Share >= 0.99, $"gateway of silo {g.Silo} ({g.Role}): {g.WindowsWithWrite}/{g.Windows} windows"));
    }

    private async Task<ChaosReport> RunAvailabilityAsync(int basePort, bool noGatewayRelay)
    {
        var options = new ChaosOptions
        {
            Scenario = ChaosScenario.PartialPartitionAvailability,
            Seed = 8,
            BasePort = basePort,
            CutLength = TimeSpan.FromSeconds(15),
            Recovery = TimeSpan.FromSeconds(2),
            NoGatewayRelay = noGatewayRelay,
        };
        ChaosReport report = await ChaosRunner.RunAsync(options, new OutputWriter(output));
        output.WriteLine(report.Summary());
        Assert.NotNull(report.Availability);
        return report;
    }

    /// <summary>Progress lines into the test's output.</summary>
    private sealed class OutputWriter(ITestOutputHelper output) : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void WriteLine(string? value) => output.WriteLine(value ?? "");
    }
}
