using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Synod.Grains.Interfaces;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.Pbft;
using Synod.Persistence.AdoNet;
using Synod.Runtime.Grains;

namespace Synod.Grains.Tests.Pbft;

/// <summary>
/// A PBFT group of four replica grains in one silo runtime, exchanging every message through the
/// runtime's streams and persisting through one SQLite store.
/// </summary>
public sealed class PbftGroupOverRuntimeTests
{
    [Fact]
    public async Task Requests_commit_on_every_replica_and_survive_a_restart_from_sqlite()
    {
        // Proves the PBFT grain end to end in-process: authenticated requests agree and execute on all four replicas, checkpoints become stable and are stored, and after the silo restarts from its SQLite file every written value reads back and new writes still commit.
        string path = NewDatabase();
        var directory = new PbftTestDirectory();
        await using (var silo = await PbftTestSilo.StartAsync(path, directory))
        {
            var client = new PbftTestClient(7, silo.Replicas);
            Assert.Equal(KvResult.Types.Status.Ok, (await client.RegisterAsync()).Status);
            for (int i = 0; i < 20; i++)
            {
                Assert.Equal(KvResult.Types.Status.Ok, (await client.PutAsync($"k{i}", $"v{i}")).Status);
            }

            Assert.Equal("v13", await client.GetAsync("k13"));
            Assert.True(client.LastReplies.Count >= 3);
            await silo.WaitAsync(s => s.All(r => r.StableCheckpoint >= 8), "a stable checkpoint on every replica");
        }

        await using (var silo = await PbftTestSilo.StartAsync(path, directory))
        {
            IReadOnlyList<PbftStatusReply> status = await silo.StatusAsync();
            Assert.All(status, s => Assert.True(s.StableCheckpoint >= 8, $"replica {s.Replica} restarted at stable checkpoint {s.StableCheckpoint}"));
            var client = new PbftTestClient(8, silo.Replicas);
            Assert.Equal(KvResult.Types.Status.Ok, (await client.RegisterAsync()).Status);
            for (int i = 0; i < 20; i++)
            {
                Assert.Equal($"v{i}", await client.GetAsync($"k{i}"));
            }

            Assert.Equal(KvResult.Types.Status.Ok, (await client.PutAsync("after", "restart")).Status);
            Assert.Equal("restart", await client.GetAsync("after"));
        }
    }

    [Theory]
    [InlineData(PbftByzantineMode.Silent)]
    [InlineData(PbftByzantineMode.Equivocate)]
    [InlineData(PbftByzantineMode.CorruptReplies)]
    public async Task A_Byzantine_primary_is_tolerated(PbftByzantineMode mode)
    {
        // Proves that with replica 0 — the primary of view 0 — Byzantine (silent, equivocating or corrupting its replies), the other three still agree, execute and answer correctly, moving to a new view where the primary stalls progress.
        await using var silo = await PbftTestSilo.StartAsync(NewDatabase(), new PbftTestDirectory(), byzantine: (0, mode));
        var client = new PbftTestClient(9, silo.Replicas);
        Assert.Equal(KvResult.Types.Status.Ok, (await client.RegisterAsync()).Status);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(KvResult.Types.Status.Ok, (await client.PutAsync($"b{i}", $"w{i}")).Status);
        }

        Assert.Equal("w3", await client.GetAsync("b3"));
        if (mode == PbftByzantineMode.CorruptReplies)
        {
            // The faulty replica's reply verified (its MAC is genuine) but did not match: trusting it alone would have read a wrong value.
            await silo.WaitAsync(_ => client.LastReplies.Count == 4 || client.LastReplies.ContainsKey(0), "the faulty replica's reply");
            Assert.True(client.LastReplies.TryGetValue(0, out PbftReply? corrupt));
            Assert.NotEqual(client.LastReplies[1].Result, corrupt!.Result);
        }

        if (mode == PbftByzantineMode.Silent)
        {
            IReadOnlyList<PbftStatusReply> status = await silo.StatusAsync();
            Assert.All(status.Where(s => s.Replica != 0), s => Assert.True(s.View >= 1, $"replica {s.Replica} still in view {s.View} under a silent primary"));
        }
    }

    private static string NewDatabase() => Path.Combine(Path.GetTempPath(), "synod-tests", $"pbft-{Guid.NewGuid():N}.db");

    /// <summary>A silo runtime hosting the four replicas of p1 on one SQLite store.</summary>
    private sealed class PbftTestSilo : IAsyncDisposable
    {
        private readonly AdoNetReplicaStore _store;
        private readonly SiloRuntime _runtime;

        private PbftTestSilo(AdoNetReplicaStore store, SiloRuntime runtime)
        {
            _store = store;
            _runtime = runtime;
            Replicas = [.. Enumerable.Range(0, PbftTestDirectory.Replicas).Select(i => runtime.GetGrain(Key(i)))];
        }

        public IReadOnlyList<IGrainReference> Replicas { get; }

        public static async Task<PbftTestSilo> StartAsync(string path, PbftTestDirectory directory, (int Replica, PbftByzantineMode Mode)? byzantine = null)
        {
            AdoNetReplicaStore store = AdoNetReplicaStore.OpenSqlite(new SqliteReplicaStoreOptions { Path = path });
            await store.Started;
            var registry = new GrainTypeRegistry().Add(PbftReplicaKey.GrainType, id =>
            {
                var options = new PbftReplicaOptions { RequestTimeoutTicks = 40, RetransmitTicks = 10 };
                if (byzantine is { } b && PbftReplicaKey.Parse(id.Key).Replica.Value == b.Replica)
                {
                    options.Byzantine = b.Mode;
                }

                return new PbftReplicaGrain(store, directory, options, NullLogger<PbftReplicaGrain>.Instance);
            });
            var runtime = new SiloRuntime(registry, new RuntimeOptions { TickInterval = TimeSpan.FromMilliseconds(5) });
            for (int i = 0; i < PbftTestDirectory.Replicas; i++)
            {
                runtime.GetOrActivate(Key(i));
            }

            runtime.Start();
            return new PbftTestSilo(store, runtime);
        }

        public async Task<IReadOnlyList<PbftStatusReply>> StatusAsync() =>
            await Task.WhenAll(Replicas.Select(r => r.InvokeAsync<PbftStatusRequest, PbftStatusReply>(new PbftStatusRequest())));

        public async Task WaitAsync(Func<IReadOnlyList<PbftStatusReply>, bool> condition, string what)
        {
            var clock = Stopwatch.StartNew();
            while (!condition(await StatusAsync()))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"timed out waiting for {what}");
                await Task.Delay(10);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _runtime.DisposeAsync();
            await _store.DisposeAsync();
        }

        private static GrainId Key(int replica) => GrainId.Create(PbftReplicaKey.GrainType, $"{PbftTestDirectory.Group}:{replica}");
    }
}
