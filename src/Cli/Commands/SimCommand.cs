using System.CommandLine;
using System.Globalization;
using Synod.Consensus.Raft;
using Synod.Simulation;
using Synod.Simulation.Raft;

namespace Synod.Cli.Commands;

/// <summary><c>synod sim raft</c>: runs the deterministic simulator over many seeds.</summary>
internal static class SimCommand
{
    public static Command Create()
    {
        var sim = new Command("sim", "Run the deterministic simulator");
        sim.Subcommands.Add(CreateRaft());
        return sim;
    }

    private static Command CreateRaft()
    {
        var seeds = new Option<int>("--seeds") { Description = "How many seeds to run", DefaultValueFactory = _ => 100 };
        var start = new Option<ulong>("--start") { Description = "First seed", DefaultValueFactory = _ => 1 };
        var nodes = new Option<int>("--nodes") { Description = "Voters per group: 3 or 5", DefaultValueFactory = _ => 3 };
        var steps = new Option<int>("--steps") { Description = "Events per seed while faults are active", DefaultValueFactory = _ => 3000 };
        var trace = new Option<bool>("--trace") { Description = "Print a readable event trace of each seed (use with --seeds 1)" };
        var lease = new Option<bool>("--lease-reads") { Description = "Serve reads with leader leases instead of ReadIndex" };
        var skew = new Option<int>("--clock-skew") { Description = "Largest clock-rate difference between replicas, in percent", DefaultValueFactory = _ => new RaftSimulationOptions().ClockSkewPercent };
        var bug = new Option<HostBug>("--bug") { Description = "Run a deliberately broken host to see the checkers fail", DefaultValueFactory = _ => HostBug.None };
        nodes.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is not (3 or 5))
            {
                result.AddError("--nodes must be 3 or 5");
            }
        });
        seeds.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--seeds must be at least 1");
            }
        });

        var command = new Command("raft", "Simulate Raft groups under faults and check safety and liveness") { seeds, start, nodes, steps, trace, lease, skew, bug };
        command.SetAction(parse =>
        {
            var options = new RaftSimulationOptions
            {
                Nodes = parse.GetValue(nodes),
                Steps = parse.GetValue(steps),
                Trace = parse.GetValue(trace),
                ReadMode = parse.GetValue(lease) ? ReadMode.LeaseBased : ReadMode.ReadIndex,
                Bug = parse.GetValue(bug),
                ClockSkewPercent = parse.GetValue(skew),
            };
            return Run(options, parse.GetValue(start), parse.GetValue(seeds));
        });
        return command;
    }

    private static int Run(RaftSimulationOptions options, ulong start, int count)
    {
        var summary = RaftSimulationRunner.RunSeeds(options, start, count);
        if (options.Trace)
        {
            foreach (var result in summary.Results)
            {
                Console.WriteLine($"--- seed {result.Seed}");
                foreach (var line in result.Trace)
                {
                    Console.WriteLine(line);
                }
            }
        }

        foreach (var violation in summary.Violations)
        {
            Console.WriteLine($"VIOLATION {violation}");
            Console.WriteLine($"  replay: {RaftSimulationReport.ReplayCommand(violation, options)}");
        }

        var results = summary.Results;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{results.Count} seeds in {summary.Elapsed.TotalSeconds:F1}s ({summary.SeedsPerSecond:F1} seeds/s, {summary.TotalSteps / Math.Max(summary.Elapsed.TotalSeconds, 1e-9):F0} steps/s): " +
            $"{results.Sum(r => r.Elections)} elections, {results.Sum(r => r.CommittedEntries)} entries committed, {results.Sum(r => r.WritesAcknowledged)} writes and {results.Sum(r => r.ReadsChecked)} reads checked, " +
            $"{results.Sum(r => r.Crashes)} crashes, {results.Sum(r => r.Partitions)} partitions, {results.Sum(r => r.SnapshotsInstalled)} snapshots installed, " +
            $"{results.Sum(r => r.MembershipChanges)} membership changes, {results.Sum(r => r.Transfers)} transfers"));
        Console.WriteLine($"raft sim: {results.Count} seeds, {summary.Violations.Count} violations");
        return summary.Violations.Count == 0 ? 0 : 1;
    }
}
