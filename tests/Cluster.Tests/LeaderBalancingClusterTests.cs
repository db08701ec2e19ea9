using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Synod.Cluster.Tests;

/// <summary>Leader balancing on real processes (issue 6): leaders spread over the silos, move away from a killed one, and come back when it returns.</summary>
public sealed class LeaderBalancingClusterTests : IAsyncLifetime
{
    private const string Key = "balancing-test-cluster-key-0123456789";
    private const int Groups = 6;
    private readonly ClusterPorts _ports = new();
    private readonly string _data = Path.Combine(Path.GetTempPath(), "synod-tests", $"balance-{Guid.NewGuid():N}");
    private readonly SiloProcess?[] _silos = new SiloProcess?[4];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_data);
        await Task.WhenAll(Enumerable.Range(1, 3).Select(async id => _silos[id] = await SiloProcess.StartAsync(id, _ports, _data, Key, Groups)));
    }

    public async Task DisposeAsync()
    {
        foreach (SiloProcess? silo in _silos)
        {
            if (silo is not null)
            {
                await silo.DisposeAsync();
            }
        }

        _http.Dispose();
    }

    [Fact]
    public async Task Leaders_spread_evenly_move_off_a_killed_silo_and_spread_again_after_it_returns()
    {
        // Proves on real processes: six groups' leaders settle two per silo, leave silo 3 when it is SIGKILLed, and are back to two per silo within a minute of its restart.
        await WaitForLeadersAsync(1, counts => counts[1] == 2 && counts[2] == 2 && counts[3] == 2, "leaders spread two per silo");

        // Idle and balanced, every key-value replica goes quiet, and the status says so.
        await WaitForQuietAsync(1);

        _silos[3]!.Kill();
        _silos[3] = null;
        await WaitForLeadersAsync(1, counts => counts[1] + counts[2] == Groups, "every group is led from silos 1 and 2");

        _silos[3] = await SiloProcess.StartAsync(3, _ports, _data, Key, Groups);
        await WaitForLeadersAsync(1, counts => counts[1] == 2 && counts[2] == 2 && counts[3] == 2, "leaders spread two per silo again");
    }

    // Polls silo `asking`'s status until the number of key-value groups each silo leads satisfies `done`.
    private async Task WaitForLeadersAsync(int asking, Func<int[], bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        int[] counts = [];
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            counts = await LeaderCountsAsync(asking);
            if (done(counts))
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"timed out waiting until {what}; leaders per silo 1..3: {string.Join(',', counts.Skip(1))}");
    }

    // Polls silo `asking`'s status until every replica of every key-value group reports quiet.
    private async Task WaitForQuietAsync(int asking)
    {
        var clock = Stopwatch.StartNew();
        int quiet = 0, total = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            JsonElement status = await _http.GetFromJsonAsync<JsonElement>(new Uri($"{_ports.Http(asking)}/v1/status"));
            JsonElement[] replicas = [.. status.GetProperty("groups").EnumerateArray()
                .Where(g => g.GetProperty("group").GetString()!.StartsWith("kv-", StringComparison.Ordinal))
                .SelectMany(g => g.GetProperty("replicas").EnumerateArray())];
            total = replicas.Length;
            quiet = replicas.Count(r => r.GetProperty("quiet").GetBoolean());
            if (total == Groups * 3 && quiet == total)
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"timed out waiting for every key-value replica to go quiet: {quiet} of {total}");
    }

    private async Task<int[]> LeaderCountsAsync(int asking)
    {
        JsonElement status = await _http.GetFromJsonAsync<JsonElement>(new Uri($"{_ports.Http(asking)}/v1/status"));
        var counts = new int[4];
        foreach (JsonElement group in status.GetProperty("groups").EnumerateArray())
        {
            // Only the key-value groups: meta, and lock-0 which a new cluster also has, are not counted.
            if (group.GetProperty("group").GetString() is not { } name || !name.StartsWith("kv-", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (JsonElement replica in group.GetProperty("replicas").EnumerateArray())
            {
                if (replica.GetProperty("role").GetString() == "Leader"
                    && int.TryParse(replica.GetProperty("silo").GetString(), System.Globalization.CultureInfo.InvariantCulture, out int silo) && silo is >= 1 and <= 3)
                {
                    counts[silo]++;
                }
            }
        }

        return counts;
    }
}
