using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Synod.Client;
using Synod.Consensus.Pbft;
using Synod.Grains.Directory;
using Synod.Grains.Interfaces;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.Raft;
using Synod.Silo.Hosting;
using Synod.Silo.Tests.Harness;

namespace Synod.Silo.Tests;

/// <summary>Which keys go to PBFT groups, how the client reaches them, and how silos place and key the directory's PBFT groups.</summary>
public sealed class PbftRoutingTests : IDisposable
{
    private static readonly SiloRecord[] Silos = [.. Enumerable.Range(1, 5).Select(id => new SiloRecord { Id = id, HttpEndpoint = $"http://127.0.0.1:{8080 + id}" })];
    private readonly string _keys = Path.Combine(Path.GetTempPath(), "synod-tests", $"pbft-keys-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_keys);

    [Fact]
    public void A_key_belongs_to_a_PBFT_group_only_under_that_groups_name()
    {
        // Proves the routing decision: "pbft-1/…" goes to PBFT group pbft-1 with its replicas in replica order; a prefix naming a Raft group, no group, or nothing at all stays with the slot map.
        const string json = """
            {"slots":16384,"groups":[
              {"group":"kv-0","protocol":"raft","gateways":["http://127.0.0.1:8082/","http://127.0.0.1:8081/"]},
              {"group":"kv-1","gateways":["http://127.0.0.1:8083/"]},
              {"group":"pbft-1","protocol":"pbft","gateways":["http://127.0.0.1:8084/","http://127.0.0.1:8081/","http://127.0.0.1:8083/","http://127.0.0.1:8082/"]}],
             "slotGroups":[0,1,0,1]}
            """;
        using JsonDocument document = JsonDocument.Parse(json);
        DirectoryRouter.Snapshot snapshot = DirectoryRouter.Snapshot.Parse(document.RootElement);

        PbftRoute? route = snapshot.PbftRouteOf("pbft-1/orders/7");
        Assert.NotNull(route);
        Assert.Equal("pbft-1", route.Group);
        Assert.Equal([8084, 8081, 8083, 8082], route.Replicas.Select(u => u.Port));
        Assert.Null(snapshot.PbftRouteOf("pbft-2/a"));
        Assert.Null(snapshot.PbftRouteOf("kv-0/a"));
        Assert.Null(snapshot.PbftRouteOf("kv-1/a"));
        Assert.Null(snapshot.PbftRouteOf("pbft-1"));
        Assert.Null(snapshot.PbftRouteOf("/pbft-1/a"));
        Assert.Null(snapshot.PbftRouteOf("plain"));
    }

    [Fact]
    public async Task The_client_speaks_PBFT_for_a_PBFT_groups_keys_and_HTTP_for_the_rest()
    {
        // Proves SynodClient sends a PBFT key's operation as signed PBFT requests to the group's replicas (never to /v1/kv), a Raft key to /v1/kv, and that a pbft_group answer from a gateway whose directory is newer than the client's map makes it read the map again and speak PBFT.
        var stub = new StubCluster();
        await using var server = await HttpApiServer.StartStubAsync(stub.Map);
        stub.Self = server.BaseAddress;
        using var client = new SynodClient(Options(server.BaseAddress, secret: [1, 2, 3]));

        // The client's first map has no pbft-1 (the stub lists it from its second reading on).
        stub.ListPbftGroup = false;
        await client.PutAsync("plain", "v");
        Assert.Equal(["PUT /v1/kv/plain"], stub.Calls);

        // The gateway knows of pbft-1 and says so; the client reads the map again.
        stub.Calls.Clear();
        stub.RefuseAsPbft = true;
        SynodException stale = await Assert.ThrowsAsync<SynodException>(() => client.PutAsync("pbft-1/a", "v"));
        Assert.Equal(SynodErrorCodes.Unavailable, stale.Code);
        Assert.Equal("PUT /v1/kv/pbft-1%2Fa", stub.Calls[0]);
        Assert.Contains("POST /v1/pbft/pbft-1/request", stub.Calls);
        Assert.All(stub.Requests, r => Assert.Equal(4 * 32, r.Authenticator.Length));

        // Now the map lists pbft-1: every operation on its keys goes to its replicas only.
        stub.Calls.Clear();
        await Assert.ThrowsAsync<SynodException>(() => client.GetAsync("pbft-1/b"));
        Assert.NotEmpty(stub.Calls);
        Assert.All(stub.Calls, c => Assert.Equal("POST /v1/pbft/pbft-1/request", c));
    }

    [Fact]
    public async Task Without_the_client_secret_a_PBFT_key_fails_with_a_clear_code()
    {
        // Proves a client without PBFT keys refuses a PBFT group's key with pbft_keys_required instead of sending it anywhere.
        var stub = new StubCluster();
        await using var server = await HttpApiServer.StartStubAsync(stub.Map);
        stub.Self = server.BaseAddress;
        using var client = new SynodClient(Options(server.BaseAddress, secret: []));
        SynodException refused = await Assert.ThrowsAsync<SynodException>(() => client.PutAsync("pbft-1/a", "v"));
        Assert.Equal(SynodErrorCodes.PbftKeysRequired, refused.Code);
        Assert.DoesNotContain(stub.Calls, c => c.StartsWith("POST /v1/pbft", StringComparison.Ordinal) || c.StartsWith("PUT", StringComparison.Ordinal));
    }

    [Fact]
    public void Silos_place_a_directory_PBFT_group_by_the_directory_and_refuse_unknown_ones()
    {
        // Proves replica index i of a directory-created PBFT group lives on the silo of the directory's replica i+1, pbft-0 stays placed by configuration, a replica of an unknown group or beyond n is placed nowhere (so a peer's message cannot activate it), and Raft grains are left to the layout.
        ClusterDirectory directory = ClusterLayout.Initial(2, Silos);
        Assert.Null(DirectoryChanges.CreateGroups(directory, new CreateGroups { Protocol = "pbft", Machine = "kv", Replicas = 4, Count = 1 }, []));
        var holder = new LayoutHolder(new ClusterLayout(directory, Silos));
        PbftGroupHosting hosting = PbftGroupHosting.For([1, 2, 3, 4, 5], _keys, holder);
        GroupPlacement group = directory.Groups.Single(g => g.Protocol == "pbft");
        Assert.Equal("pbft-1", group.Group);

        int[] expected = [.. group.Replicas.OrderBy(r => r.Replica).Select(r => r.Silo)];
        Assert.Equal(expected, hosting.SilosOf("pbft-1"));
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(expected[i], hosting.Place(PbftGroupHosting.ReplicaGrain("pbft-1", i))!.Value.Value);
            Assert.Equal(i + 1, hosting.Place(PbftGroupHosting.ReplicaGrain("pbft-0", i))!.Value.Value);
        }

        Assert.Equal(0, hosting.Place(PbftGroupHosting.ReplicaGrain("pbft-1", 4))!.Value.Value);
        Assert.Equal(0, hosting.Place(PbftGroupHosting.ReplicaGrain("pbft-7", 0))!.Value.Value);
        Assert.Equal(0, hosting.Place(PbftGroupHosting.ReplicaGrain("kv-0", 0))!.Value.Value);
        Assert.Null(hosting.Place(ClusterLayout.ReplicaGrain("kv-0", 1)));
        Assert.Equal(["pbft-0", "pbft-1"], hosting.Groups);
        Assert.Equal(4, hosting.ReplicaCount("pbft-1"));
        Assert.Null(hosting.ReplicaCount("kv-0"));
        Assert.Equal(
            [.. new[] { PbftGroupHosting.ReplicaGrain("pbft-0", 0) }, .. expected.Contains(1) ? [PbftGroupHosting.ReplicaGrain("pbft-1", Array.IndexOf(expected, 1))] : Array.Empty<GrainId>()],
            hosting.LocalReplicas(1));
    }

    [Fact]
    public void Derived_replica_keys_agree_across_silos_and_differ_between_groups()
    {
        // Proves every silo reading the same key file derives the same keys for a directory PBFT group (a signature by replica 0 on one silo verifies on another), and that they are not pbft-0's or another group's keys.
        ClusterDirectory directory = ClusterLayout.Initial(2, Silos);
        Assert.Null(DirectoryChanges.CreateGroups(directory, new CreateGroups { Protocol = "pbft", Machine = "kv", Replicas = 4, Count = 2 }, []));
        var holder = new LayoutHolder(new ClusterLayout(directory, Silos));
        PbftGroupHosting one = PbftGroupHosting.For([1, 2, 3, 4, 5], _keys, holder);
        PbftGroupHosting other = PbftGroupHosting.For([1, 2, 3, 4, 5], _keys, holder);

        byte[] data = Encoding.UTF8.GetBytes("pre-prepare");
        byte[] signature = one.Secrets("pbft-1", new ReplicaIndex(0)).Authenticator.Sign(data);
        Assert.True(other.Secrets("pbft-1", new ReplicaIndex(3)).Authenticator.Verify(new ReplicaIndex(0), data, signature));
        Assert.False(other.Secrets("pbft-2", new ReplicaIndex(3)).Authenticator.Verify(new ReplicaIndex(0), data, signature));
        Assert.False(other.Secrets("pbft-0", new ReplicaIndex(3)).Authenticator.Verify(new ReplicaIndex(0), data, signature));
        Assert.False(other.Secrets("pbft-1", new ReplicaIndex(3)).Authenticator.Verify(new ReplicaIndex(1), data, signature));
        Assert.Equal(one.Secrets("pbft-1", new ReplicaIndex(2)).ClientKey(9), other.Secrets("pbft-1", new ReplicaIndex(2)).ClientKey(9));
        Assert.NotEqual(one.Secrets("pbft-1", new ReplicaIndex(2)).ClientKey(9), other.Secrets("pbft-2", new ReplicaIndex(2)).ClientKey(9));
    }

    private static SynodClientOptions Options(Uri gateway, byte[] secret)
    {
        var options = new SynodClientOptions
        {
            MaxAttempts = 2,
            RequestTimeout = TimeSpan.FromSeconds(2),
            RetryBaseDelay = TimeSpan.FromMilliseconds(5),
            PbftClientSecret = secret,
            PbftRetransmitTimeout = TimeSpan.FromMilliseconds(100),
            PbftOperationTimeout = TimeSpan.FromMilliseconds(400),
        };
        options.Gateways.Add(gateway);
        return options;
    }

    /// <summary>One HTTP server standing in for a cluster: a directory (with or without PBFT group pbft-1, all four replicas on itself), /v1/kv and PBFT request endpoints that record what reached them.</summary>
    private sealed class StubCluster
    {
        public Uri Self { get; set; } = new("http://127.0.0.1/");

        public bool ListPbftGroup { get; set; } = true;

        public bool RefuseAsPbft { get; set; }

        public List<string> Calls { get; } = [];

        public List<PbftClientRequest> Requests { get; } = [];

        public void Map(WebApplication app)
        {
            app.MapGet("/v1/directory", () =>
            {
                string self = JsonSerializer.Serialize(Self.ToString());
                string pbft = ListPbftGroup ? $$""",{"group":"pbft-1","protocol":"pbft","gateways":[{{self}},{{self}},{{self}},{{self}}]}""" : "";
                // After answering without it once, the next reading lists the group (the directory caught up).
                ListPbftGroup = true;
                return Results.Text($$"""{"slots":16384,"groups":[{"group":"kv-0","protocol":"raft","gateways":[{{self}}]}{{pbft}}],"slotGroups":[0]}""", "application/json");
            });
            app.MapMethods("/v1/kv/{key}", ["GET", "PUT"], (HttpContext context, string key) =>
            {
                string decoded = Uri.UnescapeDataString(key);
                Record($"{context.Request.Method} /v1/kv/{Uri.EscapeDataString(decoded)}");
                return RefuseAsPbft && decoded.StartsWith("pbft-1/", StringComparison.Ordinal)
                    ? Results.Text("""{"error":"the key belongs to PBFT group pbft-1","code":"pbft_group"}""", "application/json", Encoding.UTF8, 421)
                    : Results.Text("""{"index":1}""", "application/json", Encoding.UTF8, 200);
            });
            app.MapPost("/v1/pbft/{group}/request", async (HttpContext context, string group) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                lock (Calls)
                {
                    Requests.Add(PbftClientRequest.Parser.ParseFrom(body.ToArray()));
                }

                Record($"POST /v1/pbft/{group}/request");
                return Results.StatusCode(504);
            });
        }

        private void Record(string call)
        {
            lock (Calls)
            {
                Calls.Add(call);
            }
        }
    }
}
