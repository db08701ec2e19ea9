using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Synod.Cli.Bench;

/// <summary>A run's summary: two lines of text, or one JSON object (<c>--json</c>).</summary>
internal static class BenchReport
{
    private static readonly (string Name, double Percentile)[] Percentiles = [("p50", 50), ("p90", 90), ("p99", 99), ("p999", 99.9), ("max", 100)];

    public static string Text(BenchResult result)
    {
        BenchSettings s = result.Settings;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{s.Target} {Workload(s)}: concurrency {s.Concurrency}, {Loop(s)}, {result.MeasuredSeconds:F1} s, ");
        text.Append(CultureInfo.InvariantCulture, $"{result.Ops} ops, {result.OpsPerSecond:F0} ops/s, {result.Errors} errors");
        if (result.ErrorKinds.Count > 0)
        {
            text.Append(" (").AppendJoin(", ", result.ErrorKinds.Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Key} {k.Value}"))).Append(')');
        }

        text.Append('\n');
        text.Append("latency ms:");
        foreach ((string name, double percentile) in Percentiles)
        {
            text.Append(CultureInfo.InvariantCulture, $" {(name == "p999" ? "p99.9" : name)} {Milliseconds(result.Latencies.ValueAtPercentile(percentile)):F3}");
        }

        return text.ToString();
    }

    public static string Json(BenchResult result)
    {
        BenchSettings s = result.Settings;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("target", s.Target);
            json.WriteString("protocol", s.Protocol);
            json.WriteNumber("concurrency", s.Concurrency);
            if (s.Rate is { } rate)
            {
                json.WriteNumber("rate", rate);
            }
            else
            {
                json.WriteNull("rate");
            }

            json.WriteNumber("readRatio", s.ReadRatio);
            json.WriteNumber("valueSize", s.ValueSizeBytes);
            json.WriteNumber("keySize", s.KeySizeBytes);
            json.WriteNumber("keys", s.Keys);
            json.WriteNumber("groups", s.Groups);
            json.WriteNumber("durationSeconds", result.MeasuredSeconds);
            json.WriteNumber("ops", result.Ops);
            json.WriteNumber("errors", result.Errors);
            json.WriteStartObject("errorKinds");
            foreach ((string kind, long count) in result.ErrorKinds)
            {
                json.WriteNumber(kind, count);
            }

            json.WriteEndObject();
            json.WriteNumber("opsPerSecond", Math.Round(result.OpsPerSecond, 1));
            json.WriteStartObject("latencyMs");
            foreach ((string name, double percentile) in Percentiles)
            {
                json.WriteNumber(name, Math.Round(Milliseconds(result.Latencies.ValueAtPercentile(percentile)), 4));
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>One progress line: time since the start, phase, and the measured figures so far.</summary>
    public static string Progress(double elapsedSeconds, bool measuring, long ops, long errors, double opsPerSecond) =>
        string.Create(CultureInfo.InvariantCulture, $"{elapsedSeconds:F0}s {(measuring ? "measure" : "warmup")} ops {ops} errors {errors} ops/s {opsPerSecond:F0}");

    private static string Workload(BenchSettings s) => s.ReadRatio switch
    {
        0 => "writes",
        1 => "reads",
        _ => string.Create(CultureInfo.InvariantCulture, $"{s.ReadRatio:P0} reads"),
    };

    private static string Loop(BenchSettings s) =>
        s.Rate is { } rate ? string.Create(CultureInfo.InvariantCulture, $"open loop at {rate:F0} ops/s") : "closed loop";

    private static double Milliseconds(long nanoseconds) => nanoseconds / 1e6;
}
