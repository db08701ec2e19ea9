using Xunit.Abstractions;

namespace Synod.Chaos.Tests;

/// <summary>
/// Chaos runs against the PBFT group pbft-0 (n = 4, f = 1) on four real silo processes (ports
/// 27020–27049): with one Byzantine replica and full restarts as the only other fault, and with
/// crashes, pauses of the primary and partitions and no Byzantine replica, so that at most f
/// replicas are faulty at any time. In the chaos collection, so xunit runs them one after the other.
/// </summary>
[Collection(ChaosProcessesCollection.Name)]
public sealed class PbftChaosRunTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("equivocate", 27020)]
    [InlineData("corrupt-replies", 27030)]
    public async Task With_one_Byzantine_replica_and_full_restarts_the_history_is_linearizable_and_no_acknowledged_write_is_lost(string mode, int basePort)
    {
        // Proves issue 8's PBFT treatment with a Byzantine replica: four clients doing reads, writes and compare-and-sets on three pbft-0 keys through SynodClient (f+1 matching replies) while silo 1's replica — the primary of view 0 — equivocates or corrupts its replies, and every silo is SIGKILLed and restarted along the way and once more before the final reads; the whole history is linearizable and no acknowledged write is lost.
        var options = new ChaosOptions
        {
            Protocol = ChaosProtocol.Pbft,
            Silos = 4,
            Byzantine = mode,
            ByzantineSilo = 1,
            Faults = [FaultKind.RestartAll],
            Duration = TimeSpan.FromSeconds(14),
            Seed = 6,
            Clients = 4,
            Keys = 3,
            BasePort = basePort,
            Recovery = TimeSpan.FromSeconds(4),
        };
        ChaosReport report = await RunAsync(options);

        Assert.Contains(report.Faults, f => f.Kind == FaultKind.RestartAll);
        Assert.Contains("on silo 1: " , report.GroupStatus!, StringComparison.Ordinal);
        Assert.Contains("(Byzantine: ", report.GroupStatus!, StringComparison.Ordinal);
        Assert.All(report.Operations, counts => Assert.True(counts.Ok > 10, $"only {counts.Ok} {counts.Kind} operations succeeded"));
    }

    [Fact]
    public async Task Under_kills_pauses_of_the_primary_full_restarts_and_partitions_the_PBFT_history_is_linearizable_and_no_acknowledged_write_is_lost()
    {
        // Proves the PBFT group under crash faults on real processes, one faulty replica at a time (f = 1): a silo SIGKILLed and restarted, the primary's silo SIGSTOPped past the clients' retransmission (a view change), every silo restarted at once, a silo partitioned both ways; the history is linearizable, nothing acknowledged is lost across the final full restart, operations succeed after every fault, and after the final restart every replica is in the group's view and caught up.
        var options = new ChaosOptions
        {
            Protocol = ChaosProtocol.Pbft,
            Silos = 4,
            Faults = [FaultKind.Kill, FaultKind.Pause, FaultKind.RestartAll, FaultKind.Partition],
            Duration = TimeSpan.FromSeconds(24),
            Seed = 7,
            Clients = 4,
            Keys = 3,
            BasePort = 27040,
            FaultLength = TimeSpan.FromSeconds(4),
            Recovery = TimeSpan.FromSeconds(2),
        };
        ChaosReport report = await RunAsync(options);

        foreach (FaultKind kind in options.Faults)
        {
            Assert.Contains(report.Faults, f => f.Kind == kind);
        }

        Assert.All(report.Faults, f => Assert.True(f.OkOperationsAfter > 0, $"no operation succeeded after {f.Kind} of {f.Target}"));

        // After the final restart all four replicas are in one view and caught up within the bound
        // (a replica left unreachable, in another view or behind is one more fault from a stuck group).
        Assert.True(report.PbftSettledAfter is not null, $"not every replica in the group's view and caught up within {options.PbftSettleTimeout.TotalSeconds:F0} s: {report.GroupStatus}");
    }

    private async Task<ChaosReport> RunAsync(ChaosOptions options)
    {
        ChaosReport report = await ChaosRunner.RunAsync(options, new OutputWriter(output));
        output.WriteLine(report.Summary());
        Assert.True(report.Check.Verdict == Verdict.Linearizable, report.Check.Explanation);
        Assert.Empty(report.LostWrites);
        Assert.Equal(options.Keys, report.FinalValues.Count);
        return report;
    }

    /// <summary>Progress lines into the test's output.</summary>
    private sealed class OutputWriter(ITestOutputHelper output) : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void WriteLine(string? value) => output.WriteLine(value ?? "");
    }
}
