namespace Synod.Simulation.Raft;

/// <summary>Formats what the CLI prints about a run, so that tests check the very same text.</summary>
public static class RaftSimulationReport
{
    /// <summary>The command that replays one violating seed with a readable trace.</summary>
    public static string ReplayCommand(Violation violation, RaftSimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(violation);
        ArgumentNullException.ThrowIfNull(options);
        var extra = "";
        if (options.Bug != HostBug.None)
        {
            extra += $" --bug {options.Bug}";
        }

        if (options.ReadMode == Synod.Consensus.Raft.ReadMode.LeaseBased)
        {
            extra += " --lease-reads";
        }

        if (options.Quiescence)
        {
            extra += " --quiescence";
        }

        if (options.ClockSkewPercent != new RaftSimulationOptions().ClockSkewPercent)
        {
            extra += $" --clock-skew {options.ClockSkewPercent}";
        }

        return $"synod sim raft --seeds 1 --start {violation.Seed} --nodes {options.Nodes} --steps {options.Steps}{extra} --trace";
    }
}
