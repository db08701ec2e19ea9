using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Synod.Client;
using Synod.Grains.Interfaces.Pbft;
using Synod.Grains.Interfaces.Wire;

namespace Synod.Cluster.Tests;

/// <summary>
/// Four silo processes on loopback hosting PBFT group pbft-0 (f = 1), the first silo's replica —
/// the primary of view 0 — Byzantine.
/// </summary>
public sealed class PbftClusterTests : IAsyncLifetime
{
    private const string Key = "pbft-test-cluster-key-0123456789";
    private readonly ClusterPorts _ports = new();
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

        // The same read sent by hand to the Byzantine primary and to one correct replica: both
        // replies carry valid MACs, yet their results differ, so a client that trusted one reply
        // (the primary's) would have read a wrong value; the client above returned the right one.
        PbftReply faulty = await SendOwnRequestAsync(silo: 1, replica: 0, "p1");
        PbftReply correct = await SendOwnRequestAsync(silo: 2, replica: 1, "p1");
        Assert.Equal("value-1", KvResult.Parser.ParseFrom(correct.Result).Value.ToStringUtf8());
        Assert.NotEqual(correct.Result, faulty.Result);

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
        _silos.Add(await SiloProcess.StartAsync(1, _ports, _data, Key, silos: 4, byzantine: byzantine));
        _silos.AddRange(await Task.WhenAll(Enumerable.Range(2, 3).Select(id => SiloProcess.StartAsync(id, _ports, _data, Key, silos: 4))));
    }

    private async Task<PbftReply> SendOwnRequestAsync(int silo, int replica, string key)
    {
        const ulong client = 99;
        byte[] secret = ClientSecret();
        var request = new PbftClientRequest
        {
            Client = client,
            Timestamp = (ulong)(silo * 1000),
            Operation = new PbftOperation { Query = ByteString.CopyFromUtf8(key) }.ToByteString(),
        };
        PbftRequestMac.Authenticate(request, 4, i => PbftClientKeys.Derive(secret, "pbft-0", client, i));
        using var content = new ByteArrayContent(request.ToByteArray());
        using HttpResponseMessage response = await _http.PostAsync(new Uri(new Uri(_ports.Http(silo)), "/v1/pbft/pbft-0/request"), content);
        response.EnsureSuccessStatusCode();
        PbftReply reply = PbftReply.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(PbftReply.Types.Status.Ok, reply.Status);
        Assert.Equal((uint)replica, reply.Replica);
        Assert.True(PbftReplyMac.Verify(PbftClientKeys.Derive(secret, "pbft-0", client, replica), "pbft-0", reply));
        return reply;
    }

    private byte[] ClientSecret()
    {
        using JsonDocument keys = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_data, "pbft-keys.json")));
        return keys.RootElement.GetProperty("clientSecret").GetBytesFromBase64();
    }

    private PbftGroupClient NewClient(ulong clientId)
    {
        var options = new PbftGroupClientOptions { ClientId = clientId, ClientSecret = ClientSecret() };
        for (int silo = 1; silo <= 4; silo++)
        {
            options.Replicas.Add(new Uri(_ports.Http(silo)));
        }

        return new PbftGroupClient(_http, options);
    }
}
