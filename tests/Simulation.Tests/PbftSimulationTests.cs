using Synod.Simulation.Pbft;

namespace Synod.Simulation.Tests;

public sealed class PbftSimulationTests
{
    [Theory]
    [InlineData(1, ByzantineMode.Random)]
    [InlineData(2, ByzantineMode.Random)]
    [InlineData(1, ByzantineMode.Primary)]
    [InlineData(1, ByzantineMode.Backup)]
    public void UpToFByzantineReplicasCannotBreakAgreementOrStopProgress(int f, ByzantineMode mode)
    {
        // Proves PBFT's guarantees under the fault assumption: with at most f Byzantine replicas (any
        // strategy the seed picks), a lossy, partitioned network and crash-restarts from persisted
        // state, correct replicas never commit
        // different batches, every accepted result is what correct replicas computed, and after the
        // network heals every request completes and no silent replica is left as primary.
        var options = new PbftSimulationOptions { F = f, Byzantine = mode, Steps = 3000 };
        var (results, _) = PbftSimulationRunner.RunSeeds(options, start: 1, count: 200);

        Assert.Empty(results.Where(r => r.Violation is not null).Select(r => r.Violation!.ToString()));
        Assert.True(results.Count(r => r.Byzantine != "none") >= 100, "Byzantine replicas were exercised");
        Assert.True(results.Sum(r => r.RequestsAccepted) > 1000);
        Assert.True(results.Sum(r => r.ViewChanges) > 50);
        Assert.True(results.Sum(r => r.MessagesRejected) > 1000);
        Assert.True(results.Sum(r => r.Crashes) > 20, "replicas crashed and restarted from their durable state");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void TheCheckersCatchFPlusOneColludingReplicas(int f)
    {
        // Proves the checkers can fail: beyond the fault assumption (f+1 colluders showing different
        // batches to different correct replicas) agreement breaks, and the report names the seed
        // that replays the same violation.
        var options = new PbftSimulationOptions { F = f, ColludingReplicas = f + 1, Steps = 3000 };
        var (results, _) = PbftSimulationRunner.RunSeeds(options, start: 1, count: 20);
        var violation = results.Select(r => r.Violation).FirstOrDefault(v => v?.Invariant == "Agreement");

        Assert.NotNull(violation);
        Assert.Contains($"--start {violation.Seed}", PbftSimulationRunner.ReplayCommand(violation, options), StringComparison.Ordinal);
        var replay = PbftSimulation.Run(options with { Seed = violation.Seed, Trace = true });
        Assert.Equal(violation.Step, replay.Violation?.Step);
        Assert.Equal("Agreement", replay.Violation?.Invariant);
    }

    [Fact]
    public void FColludingReplicasAreHarmless()
    {
        // Proves the canary's violations come from exceeding f: the same collusion by f replicas breaks nothing.
        var options = new PbftSimulationOptions { F = 1, ColludingReplicas = 1, Steps = 3000 };
        var (results, _) = PbftSimulationRunner.RunSeeds(options, start: 1, count: 50);

        Assert.Empty(results.Where(r => r.Violation is not null).Select(r => r.Violation!.ToString()));
    }

    [Fact]
    public void APbftSeedReplaysExactly()
    {
        // Proves a PBFT run is a pure function of its seed.
        var options = new PbftSimulationOptions { Seed = 7, Steps = 2000, Trace = true };
        Assert.Equal(PbftSimulation.Run(options).Trace, PbftSimulation.Run(options).Trace);
    }
}
