using System.Diagnostics;
using System.Globalization;
using Synod.Client;

namespace Synod.Cluster.Tests;

/// <summary>
/// The directory changed while the cluster serves, on real processes: groups created and
/// replicas moved with the synod command, a silo joining a running cluster and drawing replicas,
/// and a silo drained — with a client writing throughout and every acknowledged write kept.
/// </summary>
public sealed class DirectoryClusterTests : IAsyncLifetime
{
    private const string Key = "directory-test-cluster-key-0123456789";
    private static readonly string[] Zones = ["", "a", "b", "a", "b"];
    private readonly ClusterPorts _ports = new();
    private readonly string _data = Path.Combine(Path.GetTempPath(), "synod-tests", $"directory-{Guid.NewGuid():N}");
    private readonly SiloProcess?[] _silos = new SiloProcess?[5];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_data);
        await Task.WhenAll(Enumerable.Range(1, 3).Select(async id => _silos[id] = await SiloProcess.StartAsync(id, _ports, _data, Key, keyValueGroups: 6, zone: Zones[id])));
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
    }

    [Fact]
    public async Task A_silo_joins_draws_replicas_and_a_drained_silo_empties_while_writes_go_on()
    {
        // Proves growing and shrinking a serving cluster: silo 4 (not in the others' configuration)
        // joins and is balanced onto, silo 2 is drained of every Raft replica, each move a
        // membership change — and a client writing all along loses no acknowledged write.
        using var client = new SynodClient(new SynodClientOptions { Gateways = { new Uri(_ports.Http(1)), new Uri(_ports.Http(3)) } });
        await WaitForAsync(async () => (await client.ListGroupsAsync()).Groups.Count == 7, "the directory to be bootstrapped (six key-value groups and lock-0)");
        using var stop = new CancellationTokenSource();
        Task<Dictionary<string, string>> writer = WriteUntilStoppedAsync(client, stop.Token);

        _silos[4] = await SiloProcess.StartAsync(4, _ports, _data, Key, keyValueGroups: 6, silos: 4, zone: Zones[4]);
        await WaitForAsync(async () => Balanced(await client.ListSilosAsync(), 4) && (await client.ListGroupsAsync()).Moves.Count == 0, "the replicas to spread onto silo 4");
        SynodSiloList joined = await client.ListSilosAsync();
        int total = joined.Silos.Sum(s => s.Replicas);
        Assert.All(joined.Silos, s => Assert.InRange(s.Replicas, total / 4, (total + 3) / 4));
        Assert.True(joined.Silos.Single(s => s.Id == 4).Up);

        (int exit, string output) = await SynodAsync("silo", "drain", "2", "--timeout", "120s");
        Assert.True(exit == 0, output);

        // The command watched silo 3's view; silo 1's catches up within its next directory read.
        await WaitForAsync(async () => (await client.ListGroupsAsync()).Groups.SelectMany(g => g.Replicas).All(r => r.Silo != 2), "silo 1 to see the drain done");
        SynodGroupList drained = await client.ListGroupsAsync();
        Assert.DoesNotContain(drained.Groups.SelectMany(g => g.Replicas), r => r.Silo == 2);
        Assert.All(drained.Groups, g => Assert.Equal(3, g.Replicas.Select(r => r.Silo).Distinct().Count()));

        await stop.CancelAsync();
        Dictionary<string, string> acknowledged = await writer;
        Assert.True(acknowledged.Count > 20, $"only {acknowledged.Count} writes were acknowledged");
        using var reader = new SynodClient(new SynodClientOptions { Gateways = { new Uri(_ports.Http(4)) } });
        foreach ((string key, string value) in acknowledged)
        {
            Assert.Equal(value, await reader.GetStringAsync(key));
        }
    }

    [Fact]
    public async Task Groups_created_and_moved_with_the_synod_command_serve_and_keep_their_data()
    {
        // Proves `synod group create` places new groups over the zones and `synod group move` moves a
        // replica of a group holding data to another silo without losing any of it.
        using var client = new SynodClient(new SynodClientOptions { Gateways = { new Uri(_ports.Http(1)) } });
        await WaitForAsync(async () => (await client.ListGroupsAsync()).Groups.Count == 7, "the directory to be bootstrapped (six key-value groups and lock-0)");
        (int exit, string output) = await SynodAsync("group", "create", "--count", "2");
        Assert.True(exit == 0, output);
        Assert.Equal(["kv-6", "kv-7"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        SynodGroupList list = await client.ListGroupsAsync();
        Assert.All(list.Groups.Where(g => g.Group is "kv-6" or "kv-7"), g => Assert.Contains(g.Replicas, r => r.Silo == 2));

        for (int i = 0; i < 30; i++)
        {
            await client.PutAsync($"m{i}", $"v{i}");
        }

        // Silo 4 joins; once the automatic rebalancing has settled, a group holding keys is moved
        // by hand from silo 1 to a silo that does not host it.
        _silos[4] = await SiloProcess.StartAsync(4, _ports, _data, Key, keyValueGroups: 6, silos: 4, zone: Zones[4]);
        await WaitForAsync(async () => Balanced(await client.ListSilosAsync(), 4) && (await client.ListGroupsAsync()).Moves.Count == 0, "the replicas to spread onto silo 4");
        SynodGroupInfo chosen = (await client.ListGroupsAsync()).Groups.First(g => g.Slots > 0 && g.Replicas.Any(r => r.Silo == 1));
        int target = new[] { 4, 3, 2 }.First(silo => chosen.Replicas.All(r => r.Silo != silo));
        string group = chosen.Group;
        (exit, output) = await SynodAsync("group", "move", group, "--from", "1", "--to", target.ToString(CultureInfo.InvariantCulture), "--timeout", "120s");
        Assert.True(exit == 0, output);
        SynodGroupInfo moved = (await client.ListGroupsAsync()).Groups.Single(g => g.Group == group);
        Assert.Contains(moved.Replicas, r => r.Silo == target && r.Joined);
        Assert.DoesNotContain(moved.Replicas, r => r.Silo == 1);

        // Every key is still there, read through the silo that joined.
        using var reader = new SynodClient(new SynodClientOptions { Gateways = { new Uri(_ports.Http(4)) } });
        for (int i = 0; i < 30; i++)
        {
            Assert.Equal($"v{i}", await reader.GetStringAsync($"m{i}"));
        }
    }

    private static bool Balanced(SynodSiloList list, int silos) =>
        list.Silos.Count == silos && list.Silos.Max(s => s.Replicas) - list.Silos.Min(s => s.Replicas) <= 1;

    private static async Task<Dictionary<string, string>> WriteUntilStoppedAsync(SynodClient client, CancellationToken stop)
    {
        var acknowledged = new Dictionary<string, string>();
        for (int i = 0; !stop.IsCancellationRequested; i++)
        {
            string key = "w" + (i % 50).ToString(CultureInfo.InvariantCulture);
            string value = i.ToString(CultureInfo.InvariantCulture);
            await client.PutAsync(key, value, CancellationToken.None);
            acknowledged[key] = value;
            await Task.Delay(20, CancellationToken.None);
        }

        return acknowledged;
    }

    private async Task<(int Exit, string Output)> SynodAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "synod.dll"), .. arguments, "--gateway", _ports.Http(3)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(180));
        return (process.ExitCode, await output + await error);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), $"timed out waiting for {what}");
            await Task.Delay(250);
        }
    }
}
