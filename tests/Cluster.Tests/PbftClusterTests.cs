using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Synod.Client;
using Synod.Grains.Interfaces.Pbft;
using Synod.Grains.Interfaces.Wire;

namespace Synod.Cluster.Tests;

/// <summary>
/// Four silo processes on loopback hosting PBFT group pbft-0 (f = 1) and groups created through the
/// directory, the first silo's replicas Byzantine (for pbft-0, the primary of view 0).
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

    [Fact]
    public async Task A_PBFT_group_created_through_the_admin_API_is_hosted_and_serves_SynodClient_keys_correctly_with_a_Byzantine_replica()
    {
        // Proves, on four real silo processes with silo 1 Byzantine (corrupt replies), that `group create --protocol pbft` makes a group the silos host (status shows its primary and view), that SynodClient's ordinary put/get/compare-and-set/delete on keys under the group's name are agreed by that PBFT group with correct results, that the values live in the PBFT group (read back through a plain PbftGroupClient of that group), and that a gateway's /v1/kv refuses such a key with 421 pbft_group rather than vouching for it.
        await StartClusterAsync("corrupt-replies");
        using SynodClient client = NewSynodClient();
        IReadOnlyList<string> created = await client.CreateGroupsAsync(new SynodGroupSpec("pbft", 4));
        string group = Assert.Single(created);
        Assert.Equal("pbft-1", group);

        SynodGroupStatus hosted = await WaitForPrimaryAsync(client, group);
        Assert.Equal("pbft", hosted.Protocol);
        Assert.Equal(4, hosted.Replicas.Select(r => r.Silo).Distinct().Count());
        Assert.Contains(hosted.Replicas, r => r.Role.Contains("Byzantine", StringComparison.Ordinal));

        for (int i = 0; i < 3; i++)
        {
            await client.PutAsync($"{group}/k{i}", $"value-{i}");
        }

        await client.PutAsync("raft-key", "raft-value");
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal($"value-{i}", await client.GetStringAsync($"{group}/k{i}"));
        }

        Assert.Equal("raft-value", await client.GetStringAsync("raft-key"));
        CompareAndSetResult mismatch = await client.CompareAndSetStringAsync($"{group}/k0", "wrong", "x");
        Assert.False(mismatch.Succeeded);
        Assert.Equal("value-0", mismatch.CurrentString);
        Assert.True((await client.CompareAndSetStringAsync($"{group}/k0", "value-0", "swapped")).Succeeded);
        Assert.True(await client.DeleteAsync($"{group}/k1"));
        Assert.False(await client.DeleteAsync($"{group}/k1"));
        Assert.Null(await client.GetStringAsync($"{group}/k1"));

        // The values are the PBFT group's: a PBFT client of pbft-1 alone reads them.
        PbftGroupClient direct = NewClient(clientId: 43, group, hosted.Replicas.OrderBy(r => r.Replica).Select(r => int.Parse(r.Silo, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("swapped", Encoding.UTF8.GetString((await direct.GetAsync($"{group}/k0"))!));
        Assert.Equal("value-2", Encoding.UTF8.GetString((await direct.GetAsync($"{group}/k2"))!));
        Assert.Null(await direct.GetAsync($"{group}/k1"));

        using HttpResponseMessage refused = await _http.GetAsync(new Uri(new Uri(_ports.Http(3)), $"/v1/kv/{Uri.EscapeDataString($"{group}/k2")}"));
        Assert.Equal(421, (int)refused.StatusCode);
        Assert.Contains("\"code\":\"pbft_group\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<SynodGroupStatus> WaitForPrimaryAsync(SynodClient client, string group)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            SynodClusterStatus status = await client.GetStatusAsync(deadline.Token);
            if (status.Groups.FirstOrDefault(g => g.Group == group) is { } found && found.Replicas.Count(r => r.Role == "Primary" || r.Role.StartsWith("Primary ", StringComparison.Ordinal)) == 1
                && found.Replicas.Count(r => r.Role.StartsWith("Backup", StringComparison.Ordinal)) == 3)
            {
                return found;
            }

            await Task.Delay(200, deadline.Token);
        }
    }

    private SynodClient NewSynodClient()
    {
        var options = new SynodClientOptions { PbftClientSecret = ClientSecret() };
        for (int silo = 1; silo <= 4; silo++)
        {
            options.Gateways.Add(new Uri(_ports.Http(silo)));
        }

        return new SynodClient(options);
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

    private PbftGroupClient NewClient(ulong clientId, string group = "pbft-0", IEnumerable<int>? silos = null)
    {
        var options = new PbftGroupClientOptions { Group = group, ClientId = clientId, ClientSecret = ClientSecret() };
        foreach (int silo in silos ?? Enumerable.Range(1, 4))
        {
            options.Replicas.Add(new Uri(_ports.Http(silo)));
        }

        return new PbftGroupClient(_http, options);
    }
}
