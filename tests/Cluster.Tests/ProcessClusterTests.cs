using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Synod.Cluster.Tests;

/// <summary>
/// Three silo processes on loopback, each with its own SQLite file, driven through the HTTP API as
/// an operator would: the issue's real-process guarantees.
/// </summary>
public sealed class ProcessClusterTests : IAsyncLifetime
{
    private const string Key = "process-test-cluster-key-0123456789";
    private readonly ClusterPorts _ports = new();
    private readonly string _data = Path.Combine(Path.GetTempPath(), "synod-tests", $"cluster-{Guid.NewGuid():N}");
    private readonly SiloProcess?[] _silos = new SiloProcess?[4];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_data);
        await Task.WhenAll(Enumerable.Range(1, 3).Select(async id => _silos[id] = await SiloProcess.StartAsync(id, _ports, _data, Key)));
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
    public async Task Writes_survive_sigkill_of_the_leaders_silo_and_the_restarted_silo_catches_up_from_its_file()
    {
        // Proves on real processes: writes acknowledged through any silo's HTTP API are readable everywhere, writes resume after the silo leading the key's group is SIGKILLed, and after a restart that silo serves every acknowledged write.
        var acknowledged = new Dictionary<string, string>();
        for (int i = 0; i < 20; i++)
        {
            await PutAsync((i % 3) + 1, $"k{i}", $"v{i}");
            acknowledged[$"k{i}"] = $"v{i}";
        }

        int leader = await LeaderSiloOfAsync("kv-0");
        _silos[leader]!.Kill();
        _silos[leader] = null;
        int survivor = leader == 1 ? 2 : 1;
        for (int i = 20; i < 40; i++)
        {
            await PutAsync(survivor, $"k{i}", $"v{i}");
            acknowledged[$"k{i}"] = $"v{i}";
        }

        _silos[leader] = await SiloProcess.StartAsync(leader, _ports, _data, Key);
        foreach ((string key, string value) in acknowledged)
        {
            Assert.Equal(value, await GetAsync(leader, key));
        }
    }

    [Fact]
    public async Task After_a_graceful_stop_of_every_silo_the_restarted_cluster_has_every_replica_and_every_write()
    {
        // Proves the graceful path (SIGTERM: leadership hand-off, deactivation, store flush) leaves every replica's durable state readable: after all three silos stop and start again, no replica is Faulted or Unreachable and every acknowledged write reads back. (The zero-byte hard-state regression that a graceful dev-cluster restart showed is pinned by DurableRaftStateTests; this test did not reproduce it on three processes, it guards the path as a whole.)
        var acknowledged = new Dictionary<string, string>();
        for (int i = 0; i < 30; i++)
        {
            await PutAsync((i % 3) + 1, $"g{i}", $"v{i}");
            acknowledged[$"g{i}"] = $"v{i}";
        }

        // Idle first: the groups go quiet (the state a cluster is usually stopped in), then all stop.
        var quiet = Stopwatch.StartNew();
        while (quiet.Elapsed < TimeSpan.FromSeconds(20)
            && (await StatusAsync(1)).GetProperty("groups").EnumerateArray().SelectMany(g => g.GetProperty("replicas").EnumerateArray()).Any(r => !r.GetProperty("quiet").GetBoolean()))
        {
            await Task.Delay(250);
        }

        for (int id = 1; id <= 3; id++)
        {
            await _silos[id]!.StopAsync();
            _silos[id] = null;
        }

        await Task.WhenAll(Enumerable.Range(1, 3).Select(async id => _silos[id] = await SiloProcess.StartAsync(id, _ports, _data, Key)));
        foreach ((string key, string value) in acknowledged)
        {
            Assert.Equal(value, await GetAsync((key.Length % 3) + 1, key));
        }

        string[] broken = [];
        var clock = Stopwatch.StartNew();
        do
        {
            broken = [.. (await StatusAsync(1)).GetProperty("groups").EnumerateArray()
                .SelectMany(g => g.GetProperty("replicas").EnumerateArray()
                    .Where(r => r.GetProperty("role").GetString() is "Faulted" or "Unreachable")
                    .Select(r => $"{g.GetProperty("group").GetString()}:{r.GetProperty("replica").GetUInt64()}"))];
            if (broken.Length == 0)
            {
                return;
            }

            await Task.Delay(250);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(20));

        Assert.Fail($"replicas that did not come back: {string.Join(", ", broken)}");
    }

    [Fact]
    public async Task A_silo_with_the_wrong_cluster_key_cannot_join()
    {
        // Proves authentication: silo 3 restarted with another key is refused by silos 1 and 2 (both see it down) while they keep serving.
        await _silos[3]!.StopAsync();
        _silos[3] = await SiloProcess.StartAsync(3, _ports, _data, "some-other-cluster-key-9876543210");
        var clock = Stopwatch.StartNew();
        while (true)
        {
            JsonElement silos = (await StatusAsync(1)).GetProperty("silos");
            JsonElement three = silos.EnumerateArray().First(s => s.GetProperty("id").GetString() == "3");
            if (!three.GetProperty("up").GetBoolean())
            {
                break;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "silo 1 still sees the impostor as up");
            await Task.Delay(200);
        }

        await PutAsync(1, "still", "serving");
        Assert.Equal("serving", await GetAsync(2, "still"));
    }

    [Fact]
    public async Task The_synod_command_puts_and_gets_through_any_silo()
    {
        // Proves the issue's "done when" on real processes: `synod kv put a 1 && synod kv get a` prints 1, here against a gateway given with --gateway.
        string gateway = _ports.Http(2).Replace("http://", "", StringComparison.Ordinal);
        (int putExit, string putOut) = await SynodAsync("kv", "put", "a", "1", "--gateway", gateway);
        Assert.True(putExit == 0, putOut);
        (int getExit, string getOut) = await SynodAsync("kv", "get", "a", "--gateway", _ports.Http(3).Replace("http://", "", StringComparison.Ordinal));
        Assert.True(getExit == 0, getOut);
        Assert.Equal("1", getOut.Trim());
        (int missingExit, _) = await SynodAsync("kv", "get", "never-written", "--gateway", gateway);
        Assert.Equal(1, missingExit);
    }

    [Fact]
    public async Task The_meta_group_keeps_the_directory_and_a_silo_configured_otherwise_adopts_it()
    {
        // Proves the directory lives in the meta Raft group: every silo reports the meta group, the same four key-value groups and lock-0, and silo 3 restarted with a configuration asking for eight groups routes by the directory's four instead.
        await PutAsync(1, "before", "restart");
        await _silos[3]!.StopAsync();
        _silos[3] = await SiloProcess.StartAsync(3, _ports, _data, Key, keyValueGroups: 8);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string[][] groups = await Task.WhenAll(Enumerable.Range(1, 3).Select(async silo =>
                (await StatusAsync(silo)).GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("group").GetString()!).ToArray()));
            if (groups.All(g => g.SequenceEqual(["meta", "kv-0", "kv-1", "kv-2", "kv-3", "lock-0"])))
            {
                break;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"silos disagree on the groups: {string.Join(" | ", groups.Select(g => string.Join(',', g)))}");
            await Task.Delay(200);
        }

        Assert.Equal("restart", await GetAsync(3, "before"));
        await PutAsync(3, "after", "adopted");
        Assert.Equal("adopted", await GetAsync(1, "after"));
    }

    [Fact]
    public async Task The_client_learns_the_slot_map_and_reaches_keys_through_silos_it_was_never_given()
    {
        // Proves SynodClient routes by the directory: configured with silo 1 only, it keeps reading and writing after silo 1 is killed, through the silos the directory names for each key's group.
        using var client = new Synod.Client.SynodClient(new Synod.Client.SynodClientOptions { Gateways = { new Uri(_ports.Http(1)) } });
        var clock = Stopwatch.StartNew();
        while (!(await StatusAsync(1)).GetProperty("groups").EnumerateArray().Any(g => g.GetProperty("group").GetString() == "meta"))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "no directory yet");
            await Task.Delay(100);
        }

        await client.PutAsync("routed", "1");
        Assert.Equal("1", await client.GetStringAsync("routed"));
        _silos[1]!.Kill();
        _silos[1] = null;
        await client.PutAsync("routed", "2");
        Assert.Equal("2", await client.GetStringAsync("routed"));
    }

    [Fact]
    public async Task A_silo_whose_port_is_taken_stops_with_a_clear_error()
    {
        // Proves a port already in use is reported in one line naming the endpoint, with exit code 2, instead of a stack trace: here silo 2 is started a second time while the first one runs.
        string second = Directory.CreateDirectory(Path.Combine(_data, "second")).FullName;
        (int exit, string output) = await SiloProcess.RunToFailureAsync(2, _ports, second, Key);
        Assert.Equal(2, exit);
        Assert.Contains("Cannot listen on", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output)> SynodAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "synod.dll"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output + await error);
    }

    private async Task PutAsync(int silo, string key, string value)
    {
        using HttpResponseMessage response = await _http.PutAsync(new Uri($"{_ports.Http(silo)}/v1/kv/{key}"), new ByteArrayContent(Encoding.UTF8.GetBytes(value)));
        Assert.True(response.IsSuccessStatusCode, $"PUT {key} on silo {silo}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<string?> GetAsync(int silo, string key)
    {
        using HttpResponseMessage response = await _http.GetAsync(new Uri($"{_ports.Http(silo)}/v1/kv/{key}"));
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        Assert.True(response.IsSuccessStatusCode, $"GET {key} on silo {silo}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<JsonElement> StatusAsync(int silo)
    {
        string body = await _http.GetStringAsync(new Uri($"{_ports.Http(silo)}/v1/status"));
        return JsonDocument.Parse(body).RootElement;
    }

    private async Task<int> LeaderSiloOfAsync(string group)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            JsonElement groups = (await StatusAsync(1)).GetProperty("groups");
            JsonElement target = groups.EnumerateArray().First(g => g.GetProperty("group").GetString() == group);
            foreach (JsonElement replica in target.GetProperty("replicas").EnumerateArray())
            {
                if (replica.GetProperty("role").GetString() == "Leader")
                {
                    return int.Parse(replica.GetProperty("silo").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"{group} has no leader");
            await Task.Delay(200);
        }
    }
}
