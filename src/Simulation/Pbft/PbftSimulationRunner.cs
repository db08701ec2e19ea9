namespace Synod.Simulation.Pbft;

/// <summary>Runs many PBFT seeds in parallel; each seed is deterministic on its own.</summary>
public static class PbftSimulationRunner
{
    public static (IReadOnlyList<PbftSimulationResult> Results, TimeSpan Elapsed) RunSeeds(PbftSimulationOptions template, ulong start, int count)
    {
        ArgumentNullException.ThrowIfNull(template);
        return SeedRunner.Run(start, count, seed => PbftSimulation.Run(template with { Seed = seed }));
    }

    public static string ReplayCommand(Violation violation, PbftSimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(violation);
        ArgumentNullException.ThrowIfNull(options);
        var colluders = (options.ColludingReplicas is { } c ? $" --colluders {c}" : "") + (options.NetworkFaults ? "" : " --no-network-faults");
        return $"synod sim pbft --seeds 1 --start {violation.Seed} --f {options.F} --steps {options.Steps} --byzantine {options.Byzantine.ToString().ToLowerInvariant()}{colluders} --trace";
    }
}
