using System.CommandLine;
using Synod.Chaos;

namespace Synod.Cli.Commands;

/// <summary>
/// <c>synod chaos</c>: a Jepsen-style run on three silo processes started here (clients, a nemesis
/// of kills, pauses, full restarts and partitions, then a linearizability check of the history).
/// </summary>
internal static class ChaosCommand
{
    public static Command Create()
    {
        var duration = new Option<TimeSpan>("--duration") { Description = "How long clients run under faults (500ms, 60s, 10m)", DefaultValueFactory = _ => TimeSpan.FromSeconds(60), CustomParser = Durations.Parse };
        var seed = new Option<int>("--seed") { Description = "Seeds the workload and the nemesis", DefaultValueFactory = _ => 1 };
        var clients = new Option<int>("--clients") { Description = "Concurrent clients", DefaultValueFactory = _ => 6 };
        var keys = new Option<int>("--keys") { Description = "Keys the clients share", DefaultValueFactory = _ => 5 };
        var basePort = new Option<int>("--base-port") { Description = "First of ten loopback ports for the silos (0: free ports)", DefaultValueFactory = _ => 0 };
        var silo = new Option<string?>("--silo") { Description = "Path of Synod.Silo.dll (default: next to synod, or src/Silo's Release build)" };
        var faults = new Option<FaultKind[]>("--faults") { Description = "Faults to cycle through (default all): Kill Pause RestartAll Partition OneWayPartition PartialPartition", AllowMultipleArgumentsPerToken = true };
        var unsafeReads = new Option<bool>("--unsafe-local-reads") { Description = "Start the silos in the deliberately broken mode that serves reads from any replica (the checker must fail)" };
        var availability = new Option<bool>("--availability") { Description = "Instead of the nemesis: cut kv-0's leader's silo and one follower's from each other for --cut, a writer on each silo's gateway; prints each gateway's share of one-second windows with a successful write and whether the leader and term stayed" };
        var cut = new Option<TimeSpan>("--cut") { Description = "How long the --availability cut lasts", DefaultValueFactory = _ => TimeSpan.FromSeconds(15), CustomParser = Durations.Parse };
        var noRelay = new Option<bool>("--no-relay") { Description = "Start the silos with Synod:Testing:NoGatewayRelay (the cut-off gateway then cannot serve writes)" };
        var protocol = new Option<string>("--protocol") { Description = "raft (kv-0 on three silos) or pbft (pbft-0 on four silos; faults Kill Pause RestartAll Partition, a full restart before the final reads)", DefaultValueFactory = _ => "raft" };
        protocol.AcceptOnlyFromAmong("raft", "pbft");
        var byzantine = new Option<string?>("--byzantine") { Description = "With --protocol pbft: make one silo's PBFT replica Byzantine (silent, corrupt-replies, equivocate); the only other fault is then RestartAll (f = 1)" };
        byzantine.AcceptOnlyFromAmong("silent", "corrupt-replies", "equivocate");
        var byzantineSilo = new Option<int>("--byzantine-silo") { Description = "The Byzantine silo (1 holds replica 0, the primary of view 0)", DefaultValueFactory = _ => 1 };
        clients.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 64)
            {
                result.AddError("--clients must be 1 to 64");
            }
        });
        keys.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 100)
            {
                result.AddError("--keys must be 1 to 100");
            }
        });

        var command = new Command("chaos", "Run clients against three silo processes under faults and check the history is linearizable") { duration, seed, clients, keys, basePort, silo, faults, unsafeReads, availability, cut, noRelay, protocol, byzantine, byzantineSilo };
        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            string? siloAssembly = parse.GetValue(silo) ?? FindSilo();
            if (siloAssembly is null || !File.Exists(siloAssembly))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("synod chaos: Synod.Silo.dll not found; build src/Silo (dotnet build -c Release) or give --silo PATH").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            FaultKind[]? chosen = parse.GetValue(faults);
            bool pbft = parse.GetValue(protocol) == "pbft";
            string mode = parse.GetValue(byzantine) ?? "";
            if (mode.Length > 0 && !pbft)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("synod chaos: --byzantine needs --protocol pbft").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            FaultKind[] defaultFaults = !pbft ? Enum.GetValues<FaultKind>()
                : mode.Length > 0 ? [FaultKind.RestartAll]
                : [FaultKind.Kill, FaultKind.Pause, FaultKind.RestartAll, FaultKind.Partition];
            var options = new ChaosOptions
            {
                Duration = parse.GetValue(duration),
                Seed = parse.GetValue(seed),
                Clients = parse.GetValue(clients),
                Keys = parse.GetValue(keys),
                BasePort = parse.GetValue(basePort),
                SiloAssembly = Path.GetFullPath(siloAssembly),
                Faults = chosen is { Length: > 0 } ? chosen : defaultFaults,
                Protocol = pbft ? ChaosProtocol.Pbft : ChaosProtocol.Raft,
                Silos = pbft ? 4 : 3,
                Byzantine = mode,
                ByzantineSilo = parse.GetValue(byzantineSilo),
                UnsafeLocalReads = parse.GetValue(unsafeReads),
                Scenario = parse.GetValue(availability) ? ChaosScenario.PartialPartitionAvailability : ChaosScenario.Nemesis,
                CutLength = parse.GetValue(cut),
                NoGatewayRelay = parse.GetValue(noRelay),
            };
            ChaosReport report;
            try
            {
                report = await ChaosRunner.RunAsync(options, output, cancellationToken).ConfigureAwait(false);
            }
            catch (ArgumentException invalid) when (invalid.ParamName == "options")
            {
                // A combination the runner refuses (a Byzantine replica with other faults, PBFT with one-way cuts).
                await parse.InvocationConfiguration.Error.WriteLineAsync($"synod chaos: {invalid.Message}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            await output.WriteAsync(report.Summary()).ConfigureAwait(false);
            return report.Passed ? ExitCodes.Ok : ExitCodes.Negative;
        });
        return command;
    }

    private static string? FindSilo()
    {
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, "Synod.Silo.dll"),
            Path.Combine("src", "Silo", "bin", "Release", "net10.0", "Synod.Silo.dll"),
            Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "Silo", "bin", "Release", "net10.0", "Synod.Silo.dll"),
        ];
        return candidates.FirstOrDefault(File.Exists);
    }
}
