using System.Text;
using System.Text.Json;
using Synod.Client;

namespace Synod.Cluster.Tests;

/// <summary>
/// Four silo processes on loopback hosting PBFT group pbft-0 (f = 1), the first silo's replica —
/// the primary of view 0 — Byzantine.
/// </summary>
public sealed class PbftClusterTests : IAsyncLifetime
{
    private const string Key = "pbft-test-cluster-key-0123456789";
    private readonly ClusterPorts _ports = new(silos: 4);
    private readonly string _data = Path.Combine(Path.GetTempPath(), "synod-tests", $"pbft-cluster-{Guid.NewGuid():N}");
    private readonly List<SiloProcess> _silos = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_data);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (SiloProcess silo in _silos)
        {
            await silo.DisposeAsync();
        }

        _http.Dispose();
    }

    [Fact]
    public async Task Writes_and_reads_are_correct_with_one_Byzantine_replica_and_its_corrupt_replies_are_rejected()
    {
        // Proves that with f = 1 Byzantine replica the client's writes and reads through four real silo processes return the correct values, and that the client saw and refused the faulty replica's MAC-valid but corrupt reply — a client that trusted one reply (the primary's) would have read a wrong value.
        await StartClusterAsync("corrupt-replies");
        PbftGroupClient client = NewClient(clientId: 41);
        for (int i = 0; i < 3; i++)
        {
            await client.PutAsync($"p{i}", Encoding.UTF8.GetBytes($"value-{i}"));
        }

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal($"value-{i}", Encoding.UTF8.GetString((await client.GetAsync($"p{i}"))!));
        }

        Assert.True(client.LastReplies.TryGetValue(0, out var primaryReply), "the Byzantine primary's reply did not reach the client");
        Assert.True(client.LastReplies.Count(r => r.Value.Result == client.LastReplies[1].Result) >= 2);
        Assert.NotEqual(client.LastReplies[1].Result, primaryReply!.Result);

        string status = await _http.GetStringAsync(new Uri(new Uri(_ports.Http(2)), "/v1/status"));
        using JsonDocument document = JsonDocument.Parse(status);
        Assert.Contains(document.RootElement.GetProperty("groups").EnumerateArray(), g => g.GetProperty("group").GetString() == "pbft-0");
    }

    [Fact]
    public async Task A_silent_primary_is_replaced_by_a_view_change_and_writes_go_on()
    {
        // Proves that when the primary of view 0 says nothing at all, the client's broadcast makes the backups relay its request and move to a new view over real processes, and writes and reads then succeed.
        await StartClusterAsync("silent");
        PbftGroupClient client = NewClient(clientId: 42);
        await client.PutAsync("s", Encoding.UTF8.GetBytes("after-view-change"));
        Assert.Equal("after-view-change", Encoding.UTF8.GetString((await client.GetAsync("s"))!));
        Assert.DoesNotContain(0, client.LastReplies.Keys);
        Assert.All(client.LastReplies.Values, r => Assert.True(r.View >= 1, $"replica {r.Replica} answered in view {r.View}"));
    }

    private async Task StartClusterAsync(string byzantine)
    {
        // Silo 1 first, so it creates the shared key file the others then read.
        _silos.Add(await SiloProcess.StartAsync(1, _ports, _data, Key, byzantine: byzantine));
        _silos.AddRange(await Task.WhenAll(Enumerable.Range(2, 3).Select(id => SiloProcess.StartAsync(id, _ports, _data, Key))));
    }

    private PbftGroupClient NewClient(ulong clientId)
    {
        using JsonDocument keys = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_data, "pbft-keys.json")));
        var options = new PbftGroupClientOptions { ClientId = clientId, ClientSecret = keys.RootElement.GetProperty("clientSecret").GetBytesFromBase64() };
        for (int silo = 1; silo <= 4; silo++)
        {
            options.Replicas.Add(new Uri(_ports.Http(silo)));
        }

        return new PbftGroupClient(_http, options);
    }
}
