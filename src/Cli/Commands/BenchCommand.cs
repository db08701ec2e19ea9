using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Spectre.Console;
using Synod.Cli.Bench;
using Synod.Client;

namespace Synod.Cli.Commands;

/// <summary>
/// <c>synod bench</c>: load on a running Synod cluster (through <see cref="SynodClient"/>) or an
/// etcd cluster (through its v3 JSON gateway) with the same machinery, then ops/s, errors and
/// latency percentiles (text, or one JSON object with <c>--json</c>).
/// </summary>
internal static class BenchCommand
{
    private static readonly Uri[] EtcdDefault = [new("http://127.0.0.1:2379/")];

    public static Command Create()
    {
        var target = Choice("--target", "What to load: synod (through the .NET client) or etcd (its v3 JSON gateway)", "synod", "synod", "etcd");
        var endpoints = new Option<string[]>("--endpoints")
        {
            Description = "Comma-separated base URLs: Synod silos' HTTP APIs (default http://127.0.0.1:8081,8082,8083) or etcd client URLs (default http://127.0.0.1:2379)",
            AllowMultipleArgumentsPerToken = false,
            HelpName = "URL,...",
        };
        endpoints.Validators.Add(result =>
        {
            if (!TryEndpoints(result.GetValueOrDefault<string[]>() ?? [], out _))
            {
                result.AddError("--endpoints must be absolute http(s) URLs, separated by commas");
            }
        });
        var concurrency = Number("--concurrency", "Operations in flight (workers)", 16, 1, 4096);
        var rate = new Option<double?>("--rate") { Description = "Open loop at this many operations per second in all (latency from each operation's due time); closed loop when absent" };
        rate.Validators.Add(r => { if (r.GetValueOrDefault<double?>() is <= 0) { r.AddError("--rate must be positive"); } });
        var duration = DurationOption("--duration", "Measured time", "10s", allowZero: false);
        var warmup = DurationOption("--warmup", "Load before measuring", "2s", allowZero: true);
        var valueSize = Number("--value-size", "Bytes per value", 128, 0, 1024 * 1024);
        var keySize = Number("--key-size", "Bytes per key", 16, 4, 1024);
        var keys = Number("--keys", "Distinct keys, chosen uniformly at random per operation", 1000, 1, 10_000_000);
        var readRatio = new Option<double>("--read-ratio") { Description = "Share of operations that are linearizable reads, 0 to 1 (keys are written once first when above 0)", DefaultValueFactory = _ => 0 };
        readRatio.Validators.Add(r => { if (r.GetValueOrDefault<double>() is < 0 or > 1) { r.AddError("--read-ratio must be between 0 and 1"); } });
        var groups = Number("--groups", "Synod: spread the keys evenly over this many Raft groups (0: wherever they hash)", 0, 0, 4096);
        var protocol = Choice("--protocol", "Synod: keys of a Raft group, or of the cluster's PBFT group", "raft", "raft", "pbft");
        var json = new Option<bool>("--json") { Description = "Print the summary as one JSON object (progress then goes to standard error)" };
        var command = new Command("bench", "Load a Synod or etcd cluster and report ops/s and latency percentiles")
        {
            target, endpoints, concurrency, rate, duration, warmup, valueSize, keySize, keys, readRatio, groups, protocol, json,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            string system = parse.GetValue(target)!;
            _ = TryEndpoints(parse.GetValue(endpoints) ?? [], out List<Uri> urls);
            var settings = new BenchSettings
            {
                Target = system,
                Endpoints = urls.Count > 0 ? urls : system == "etcd" ? EtcdDefault : SynodClientOptions.DevelopmentGateways,
                Concurrency = parse.GetValue(concurrency),
                Rate = parse.GetValue(rate),
                Duration = parse.GetValue(duration),
                Warmup = parse.GetValue(warmup),
                ValueSizeBytes = parse.GetValue(valueSize),
                KeySizeBytes = parse.GetValue(keySize),
                Keys = parse.GetValue(keys),
                ReadRatio = parse.GetValue(readRatio),
                Groups = parse.GetValue(groups),
                Protocol = parse.GetValue(protocol)!,
                Json = parse.GetValue(json),
            };
            return BenchSession.RunAsync(settings, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken);
        });
        return command;
    }

    /// <summary>Endpoints from <c>--endpoints</c>: comma-separated, and the option may be repeated.</summary>
    internal static bool TryEndpoints(string[] values, out List<Uri> endpoints)
    {
        endpoints = [];
        foreach (string text in values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https"))
            {
                return false;
            }

            endpoints.Add(uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri + "/"));
        }

        return true;
    }

    private static Option<string> Choice(string name, string description, string fallback, params string[] choices)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => fallback };
        option.AcceptOnlyFromAmong(choices);
        return option;
    }

    private static Option<int> Number(string name, string description, int fallback, int minimum, int maximum)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => fallback };
        option.Validators.Add(result =>
        {
            int value = result.GetValueOrDefault<int>();
            if (value < minimum || value > maximum)
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be between {minimum} and {maximum}"));
            }
        });
        return option;
    }

    private static Option<TimeSpan> DurationOption(string name, string description, string fallback, bool allowZero)
    {
        var option = new Option<TimeSpan>(name)
        {
            Description = description + " (500ms, 10s, 5m)",
            CustomParser = result => allowZero && result.Tokens.Count == 1 && Durations.TryParse(result.Tokens[0].Value, out TimeSpan zero) && zero == TimeSpan.Zero ? zero : Durations.Parse(result),
            DefaultValueFactory = _ => Durations.TryParse(fallback, out TimeSpan value) ? value : TimeSpan.Zero,
        };
        return option;
    }
}
