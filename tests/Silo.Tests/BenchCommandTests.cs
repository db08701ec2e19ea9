using System.CommandLine;
using System.Text.Json;
using Synod.Cli;
using Synod.Silo.Tests.Harness;

namespace Synod.Silo.Tests;

/// <summary><c>synod bench</c> against a three-silo cluster in this process.</summary>
public sealed class BenchCommandTests
{
    [Fact]
    public async Task Bench_writes_and_reads_through_the_client_and_prints_a_json_summary()
    {
        // Proves a 2-second mixed run through SynodClient completes operations with no errors and prints one JSON object with the summary's fields, progress going to standard error.
        await using InProcessCluster cluster = await InProcessCluster.StartAsync();
        string endpoints = string.Join(',', cluster.Gateways);
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };

        int exit = await SynodCommandLine.RunAsync(
            ["bench", "--endpoints", endpoints, "--concurrency", "8", "--duration", "2s", "--warmup", "1s", "--keys", "50", "--read-ratio", "0.5", "--groups", "1", "--json"],
            new InvocationConfiguration { Output = output, Error = error });

        Assert.True(exit == 0, $"exit {exit}; stderr: {error}");
        using JsonDocument summary = JsonDocument.Parse(output.ToString());
        JsonElement root = summary.RootElement;
        Assert.Equal("synod", root.GetProperty("target").GetString());
        Assert.Equal(8, root.GetProperty("concurrency").GetInt32());
        Assert.True(root.GetProperty("ops").GetInt64() > 0, output.ToString());
        Assert.Equal(0, root.GetProperty("errors").GetInt64());
        Assert.True(root.GetProperty("opsPerSecond").GetDouble() > 0);
        JsonElement latency = root.GetProperty("latencyMs");
        double[] percentiles = [.. new[] { "p50", "p90", "p99", "p999", "max" }.Select(p => latency.GetProperty(p).GetDouble())];
        Assert.True(percentiles[0] > 0, output.ToString());
        for (int i = 1; i < percentiles.Length; i++)
        {
            Assert.True(percentiles[i] >= percentiles[i - 1], $"percentiles out of order: {string.Join(", ", percentiles)}");
        }

        Assert.Contains("measure ops", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_loop_runs_at_the_given_rate_and_prints_text()
    {
        // Proves --rate paces the load: 200 ops/s for 2 s completes about 400 operations (not the thousands a closed loop would), and the text summary names the loop.
        await using InProcessCluster cluster = await InProcessCluster.StartAsync();
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };

        int exit = await SynodCommandLine.RunAsync(
            ["bench", "--endpoints", string.Join(',', cluster.Gateways), "--concurrency", "4", "--rate", "200", "--duration", "2s", "--warmup", "500ms", "--json"],
            new InvocationConfiguration { Output = output, Error = error });

        Assert.True(exit == 0, $"exit {exit}; stderr: {error}");
        using JsonDocument summary = JsonDocument.Parse(output.ToString());
        long ops = summary.RootElement.GetProperty("ops").GetInt64();
        Assert.InRange(ops, 300, 401);
        Assert.Equal(200, summary.RootElement.GetProperty("rate").GetDouble());
    }

    [Theory]
    [InlineData("bench", "--target", "redis")]
    [InlineData("bench", "--read-ratio", "1.5")]
    [InlineData("bench", "--concurrency", "0")]
    [InlineData("bench", "--endpoints", "not a url")]
    [InlineData("bench", "--duration", "0s")]
    public async Task Bad_options_are_usage_errors(params string[] args)
    {
        // Proves bench refuses unknown targets, ratios outside 0..1, no workers, bad URLs and an empty duration before any load.
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(2, await SynodCommandLine.RunAsync(args, new InvocationConfiguration { Output = output, Error = error }));
    }
}
