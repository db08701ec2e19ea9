using System.CommandLine;
using System.Globalization;
using Synod.Consensus.Raft;
using Synod.Simulation;
using Synod.Simulation.Pbft;
using Synod.Simulation.Raft;

namespace Synod.Cli.Commands;

/// <summary><c>synod sim raft</c>: runs the deterministic simulator over many seeds.</summary>
internal static class SimCommand
{
    public static Command Create()
    {
        var sim = new Command("sim", "Run the deterministic simulator");
        sim.Subcommands.Add(CreateRaft());
        sim.Subcommands.Add(CreatePbft());
        sim.Subcommands.Add(OmCommand.Create());
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
        var quiescence = new Option<bool>("--quiescence") { Description = "Let idle groups go quiet; crashes and partitions wake them" };
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

        var command = new Command("raft", "Simulate Raft groups under faults and check safety and liveness") { seeds, start, nodes, steps, trace, lease, skew, bug, quiescence };
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
                Quiescence = parse.GetValue(quiescence),
            };
            return Run(options, parse.GetValue(start), parse.GetValue(seeds));
        });
        return command;
    }

    private static Command CreatePbft()
    {
        var seeds = new Option<int>("--seeds") { Description = "How many seeds to run", DefaultValueFactory = _ => 100 };
        var start = new Option<ulong>("--start") { Description = "First seed", DefaultValueFactory = _ => 1 };
        var f = new Option<int>("--f") { Description = "Faults tolerated (1 or 2); the group has 3f+1 replicas", DefaultValueFactory = _ => 1 };
        var steps = new Option<int>("--steps") { Description = "Events per seed while network faults are active", DefaultValueFactory = _ => 3000 };
        var byzantine = new Option<ByzantineMode>("--byzantine") { Description = "Which replicas may be Byzantine: none, primary, backup or random", DefaultValueFactory = _ => ByzantineMode.Random };
        var colluders = new Option<int?>("--colluders") { Description = "Make this many replicas collude (f+1 breaks the fault assumption; for the canary)" };
        var calm = new Option<bool>("--no-network-faults") { Description = "Keep the network reliable (only Byzantine replicas misbehave)" };
        var trace = new Option<bool>("--trace") { Description = "Print a readable event trace of each seed (use with --seeds 1)" };
        f.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is not (1 or 2))
            {
                result.AddError("--f must be 1 or 2");
            }
        });
        var command = new Command("pbft", "Simulate PBFT groups with Byzantine replicas and check agreement and liveness") { seeds, start, f, steps, byzantine, colluders, calm, trace };
        command.SetAction(parse =>
        {
            var options = new PbftSimulationOptions
            {
                F = parse.GetValue(f),
                Steps = parse.GetValue(steps),
                Byzantine = parse.GetValue(byzantine),
                ColludingReplicas = parse.GetValue(colluders),
                NetworkFaults = !parse.GetValue(calm),
                Trace = parse.GetValue(trace),
            };
            return RunPbft(options, parse.GetValue(start), parse.GetValue(seeds));
        });
        return command;
    }

    private static int RunPbft(PbftSimulationOptions options, ulong start, int count)
    {
        var (results, elapsed) = PbftSimulationRunner.RunSeeds(options, start, count);
        var violations = results.Where(r => r.Violation is not null).Select(r => r.Violation!).ToList();
        PrintTracesAndViolations(options.Trace, results.Select(r => (r.Seed, r.Trace)), violations, v => PbftSimulationRunner.ReplayCommand(v, options));

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{results.Count} seeds in {elapsed.TotalSeconds:F1}s ({results.Count / Math.Max(elapsed.TotalSeconds, 1e-9):F1} seeds/s): " +
            $"{results.Count(r => r.Byzantine != "none")} with Byzantine replicas, {results.Sum(r => r.RequestsAccepted)} requests accepted, {results.Sum(r => r.BatchesExecuted)} batches executed, " +
            $"{results.Sum(r => r.ViewChanges)} view changes, {results.Sum(r => r.MessagesRejected)} messages rejected, {results.Sum(r => r.StateTransfers)} state transfers, {results.Sum(r => r.Crashes)} crashes"));
        Console.WriteLine($"pbft sim: {results.Count} seeds, {violations.Count} violations");
        return violations.Count == 0 ? 0 : 1;
    }

    private static int Run(RaftSimulationOptions options, ulong start, int count)
    {
        var summary = RaftSimulationRunner.RunSeeds(options, start, count);
        PrintTracesAndViolations(options.Trace, summary.Results.Select(r => (r.Seed, r.Trace)), summary.Violations, v => RaftSimulationReport.ReplayCommand(v, options));

        var results = summary.Results;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{results.Count} seeds in {summary.Elapsed.TotalSeconds:F1}s ({summary.SeedsPerSecond:F1} seeds/s, {summary.TotalSteps / Math.Max(summary.Elapsed.TotalSeconds, 1e-9):F0} steps/s): " +
            $"{results.Sum(r => r.Elections)} elections, {results.Sum(r => r.CommittedEntries)} entries committed, {results.Sum(r => r.WritesAcknowledged)} writes and {results.Sum(r => r.ReadsChecked)} reads checked, " +
            $"{results.Sum(r => r.Crashes)} crashes, {results.Sum(r => r.Partitions)} partitions, {results.Sum(r => r.SnapshotsInstalled)} snapshots installed, " +
            $"{results.Sum(r => r.MembershipChanges)} membership changes, {results.Sum(r => r.Transfers)} transfers, {results.Sum(r => r.Quiescences)} quiescences"));
        Console.WriteLine($"raft sim: {results.Count} seeds, {summary.Violations.Count} violations");
        return summary.Violations.Count == 0 ? 0 : 1;
    }

    // Both simulators report the same way: traces when asked, then each violation with the command
    // that replays it.
    private static void PrintTracesAndViolations(
        bool trace, IEnumerable<(ulong Seed, IReadOnlyList<string> Lines)> traces, IReadOnlyList<Violation> violations, Func<Violation, string> replay)
    {
        if (trace)
        {
            foreach (var (seed, lines) in traces)
            {
                Console.WriteLine($"--- seed {seed}");
                foreach (var line in lines)
                {
                    Console.WriteLine(line);
                }
            }
        }

        foreach (var violation in violations)
        {
            Console.WriteLine($"VIOLATION {violation}");
            Console.WriteLine($"  replay: {replay(violation)}");
        }
    }
}
