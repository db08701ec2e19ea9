namespace Synod.Simulation.Raft;

/// <summary>Runs many seeds (in parallel across cores; each seed is deterministic on its own).</summary>
public static class RaftSimulationRunner
{
    public static RaftSimulationSummary RunSeeds(RaftSimulationOptions template, ulong start, int count, int? maxParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        var (results, elapsed) = SeedRunner.Run(start, count, seed => RaftSimulation.Run(template with { Seed = seed }), maxParallelism);
        return new RaftSimulationSummary(results, elapsed);
    }
}

/// <summary>The results of a batch of seeds, in seed order.</summary>
public sealed record RaftSimulationSummary(IReadOnlyList<RaftSimulationResult> Results, TimeSpan Elapsed)
{
    public IReadOnlyList<Violation> Violations => Results.Where(r => r.Violation is not null).Select(r => r.Violation!).ToList();

    public double SeedsPerSecond => Results.Count / Math.Max(Elapsed.TotalSeconds, 1e-9);

    public long TotalSteps => Results.Sum(r => r.Steps);
}
