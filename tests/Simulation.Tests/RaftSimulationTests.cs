using Synod.Consensus.Raft;
using Synod.Simulation;
using Synod.Simulation.Raft;

namespace Synod.Simulation.Tests;

public sealed class RaftSimulationTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void TheCorrectCoreSurvivesFiveHundredFaultySeeds(int nodes)
    {
        // Proves that under drops, duplicates, reordering, every partition shape, crashes, clock
        // skew, transfers and membership changes the core keeps every safety invariant after every
        // step, and after healing elects a leader and completes every pending request.
        var options = new RaftSimulationOptions { Nodes = nodes, Steps = 5000 };
        var summary = RaftSimulationRunner.RunSeeds(options, start: 1, count: 500);

        Assert.Equal(500, summary.Results.Count);
        Assert.Empty(summary.Violations.Select(v => v.ToString()));
        Assert.All(summary.Results, r => Assert.True(r.Steps >= 5000, $"seed {r.Seed} ran only {r.Steps} steps"));

        // The runs must really exercise what they claim to.
        Assert.True(summary.Results.Sum(r => r.Crashes) > 300, "crashes");
        Assert.True(summary.Results.Sum(r => r.Partitions) > 300, "partitions");
        Assert.True(summary.Results.Sum(r => r.SnapshotsInstalled) > 50, "snapshots installed");
        Assert.True(summary.Results.Sum(r => r.MembershipChanges) > 100, "membership changes");
        Assert.True(summary.Results.Sum(r => r.Transfers) > 50, "transfers");
        Assert.True(summary.Results.Sum(r => r.ReadsChecked) > 1000, "reads checked");
        Assert.True(summary.Results.Sum(r => r.WritesAcknowledged) > 1000, "writes acknowledged");
    }

    [Theory]
    [InlineData(ReadMode.ReadIndex, 40)]
    [InlineData(ReadMode.LeaseBased, 0)]
    public void QuiescentGroupsKeepEveryInvariant(ReadMode readMode, int clockSkewPercent)
    {
        // Proves that with quiescence on (idle groups go quiet, crashes and partitions wake them)
        // the core stays safe and live under every fault, with ReadIndex and with lease reads, and
        // that the runs really go quiet and wake again.
        var options = new RaftSimulationOptions { Steps = 5000, Quiescence = true, ReadMode = readMode, ClockSkewPercent = clockSkewPercent };
        var summary = RaftSimulationRunner.RunSeeds(options, start: 1, count: 300);

        Assert.Empty(summary.Violations.Select(v => v.ToString()));
        Assert.True(summary.Results.Sum(r => r.Quiescences) > 300, "quiescences");
        Assert.True(summary.Results.Sum(r => r.ReadsChecked) > 1000, "reads checked");
        Assert.True(summary.Results.Sum(r => r.Crashes) > 100, "crashes");
    }

    [Fact]
    public void LeaseReadsStayLinearizableWhenClocksAgree()
    {
        // Proves lease-based reads are safe under their documented assumption: clock rates agree
        // within the lease's safety margin (here they agree exactly).
        var options = new RaftSimulationOptions { Steps = 3000, ReadMode = ReadMode.LeaseBased, ClockSkewPercent = 0 };
        var summary = RaftSimulationRunner.RunSeeds(options, start: 1, count: 200);

        Assert.Empty(summary.Violations.Select(v => v.ToString()));
        Assert.True(summary.Results.Sum(r => r.ReadsChecked) > 1000);
    }

    [Fact]
    public void ASeedReplaysExactly()
    {
        // Proves a run is a pure function of its seed, which is what makes a failing seed useful.
        var options = new RaftSimulationOptions { Seed = 42, Steps = 2000, Trace = true };
        var first = RaftSimulation.Run(options);
        var second = RaftSimulation.Run(options);

        Assert.Equal(first.Trace, second.Trace);
        Assert.Equal(first.Steps, second.Steps);
        Assert.True(first.Trace.Count > 100);
        Assert.NotEqual(first.Trace, RaftSimulation.Run(options with { Seed = 43 }).Trace);
    }

    [Theory]
    [InlineData(HostBug.SendBeforePersist, 3, 4000)]
    [InlineData(HostBug.StaleLocalReads, 3, 200)]
    [InlineData(HostBug.ForgetVoteOnRestart, 5, 5000)]
    public void TheCheckersCatchABrokenHost(HostBug bug, int nodes, int maxSeeds)
    {
        // Proves the checkers can fail: a host that breaks the Ready contract (acknowledging before
        // persisting, forgetting its vote, reading local state) is caught, and the reported seed
        // reproduces the same violation on its own.
        var options = new RaftSimulationOptions { Nodes = nodes, Steps = 5000, Bug = bug };
        Violation? found = null;
        for (var start = 1UL; found is null && start <= (ulong)maxSeeds; start += 100)
        {
            var violations = RaftSimulationRunner.RunSeeds(options, start, 100).Violations;
            found = violations.Count > 0 ? violations[0] : null;
        }

        Assert.NotNull(found);
        Assert.Contains($"seed {found.Seed}", found.ToString(), StringComparison.Ordinal);
        Assert.Contains($"--start {found.Seed}", RaftSimulationReport.ReplayCommand(found, options), StringComparison.Ordinal);

        var replay = RaftSimulation.Run(options with { Seed = found.Seed, Trace = true });
        Assert.Equal(found.Invariant, replay.Violation?.Invariant);
        Assert.Equal(found.Step, replay.Violation?.Step);
        Assert.Contains(replay.Trace, line => line.Contains("VIOLATION", StringComparison.Ordinal));

        // The violation comes from the broken host, not from the seed: the correct host passes it.
        Assert.Null(RaftSimulation.Run(options with { Seed = found.Seed, Bug = HostBug.None }).Violation);
    }
}
