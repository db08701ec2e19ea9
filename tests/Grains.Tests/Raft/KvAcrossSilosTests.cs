using System.Diagnostics;
using System.Net;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Synod.Consensus.Raft;
using Synod.Grains.Interfaces;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.KeyValue;
using Synod.Grains.Raft;
using Synod.Persistence.AdoNet;
using Synod.Runtime.Grains;
using Synod.Runtime.Transport;
using KvResult = Synod.Grains.KeyValue.KvResult;

namespace Synod.Grains.Tests.Raft;

/// <summary>
/// Three silos in one process, each with its own SQLite file, runtime and transport on 127.0.0.1:
/// replica r of group kv lives on silo r, and every Raft message and client call between them
/// crosses the silo transport.
/// </summary>
public sealed class KvAcrossSilosTests
{
    private static readonly IPEndPoint NeverDialled = new(IPAddress.Loopback, 9);

    [Fact]
    public async Task The_group_serves_across_silos_survives_losing_the_leaders_silo_and_the_silo_catches_up_when_it_returns()
    {
        // Proves replicas on different silos elect and commit through the transport, writes resume after the leader's silo stops, and the restarted silo catches up from its SQLite file and its peers with no acknowledged write lost.
        string directory = Path.Combine(Path.GetTempPath(), "synod-tests", $"silos-{Guid.NewGuid():N}");
        var silos = new TestClusterSilo?[4];
        try
        {
            // The lower id dials the higher, so the higher ids start first and learn their ports.
            for (int id = 3; id >= 1; id--)
            {
                silos[id] = await TestClusterSilo.StartAsync(id, directory, silos, listenOn: null);
            }

            TestClusterSilo client = silos[1]!;
            ByteString session = ByteString.CopyFromUtf8("client-1");
            Assert.Equal(KvStatus.Ok, (await client.ProposeAsync(KvCommands.RegisterClient(session))).Status);
            for (ulong i = 1; i <= 20; i++)
            {
                KvResult put = await client.ProposeAsync(KvCommands.Put(KvCommands.Request(session, i), Key(i), ByteString.CopyFromUtf8($"v{i}")));
                Assert.Equal(KvStatus.Ok, put.Status);
            }

            int leader = await client.LeaderSiloAsync();
            IPEndPoint leaderEndpoint = silos[leader]!.Endpoint;
            await silos[leader]!.DisposeAsync();
            silos[leader] = null;

            TestClusterSilo survivor = silos.First(s => s is not null)!;
            for (ulong i = 21; i <= 30; i++)
            {
                Assert.Equal(KvStatus.Ok, (await survivor.ProposeAsync(KvCommands.Put(KvCommands.Request(session, i), Key(i), ByteString.CopyFromUtf8($"v{i}")))).Status);
            }

            ulong committed = (await survivor.StatusAsync(survivor.Id)).Commit;
            silos[leader] = await TestClusterSilo.StartAsync(leader, directory, silos, leaderEndpoint);
            var clock = Stopwatch.StartNew();
            while ((await silos[leader]!.StatusAsync(leader)).Applied < committed)
            {
                // Asked through the grain's own turns, so the answer never races its applying.
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the returning silo did not catch up");
                await Task.Delay(20);
            }

            for (ulong i = 1; i <= 30; i++)
            {
                KvResult read = await survivor.ReadAsync(Key(i));
                Assert.Equal($"v{i}", read.Value!.ToStringUtf8());
            }
        }
        finally
        {
            foreach (TestClusterSilo? silo in silos)
            {
                if (silo is not null)
                {
                    await silo.DisposeAsync();
                }
            }
        }
    }

    [Fact]
    public async Task An_idle_group_goes_quiet_wakes_on_a_proposal_and_a_follower_elects_a_leader_when_the_quiet_leaders_silo_dies()
    {
        // Proves issue 6's quiescence across real transports: an idle group stops ticking and sends no stream items, a proposal wakes and commits, and when the quiet leader's silo dies abruptly the followers, woken by silo liveness, elect a new leader that serves writes.
        string directory = Path.Combine(Path.GetTempPath(), "synod-tests", $"quiet-{Guid.NewGuid():N}");
        var silos = new TestClusterSilo?[4];
        try
        {
            for (int id = 3; id >= 1; id--)
            {
                silos[id] = await TestClusterSilo.StartAsync(id, directory, silos, listenOn: null);
            }

            ByteString session = ByteString.CopyFromUtf8("client-quiet");
            Assert.Equal(KvStatus.Ok, (await silos[1]!.ProposeAsync(KvCommands.RegisterClient(session))).Status);
            await WaitForQuietUnderPreferredLeaderAsync(silos);
            (long Ticks, long StreamMessages, long StreamItems)[] before = [.. silos.Skip(1).Select(s => s!.Traffic)];

            // Silence has no event to await: time must pass (ten election timeouts of 40 ticks of 5 ms).
            await Task.Delay(TimeSpan.FromSeconds(2));
            (long Ticks, long StreamMessages, long StreamItems)[] after = [.. silos.Skip(1).Select(s => s!.Traffic)];
            // Awake, each silo would send ~200 stream items and run ~400 tick turns in these two
            // seconds; quiet, it sends and ticks (almost) nothing. A stray wake-up and re-quiesce
            // under a loaded test run is tolerated, a group that stays awake is not.
            for (int i = 0; i < 3; i++)
            {
                Assert.InRange(after[i].StreamItems - before[i].StreamItems, 0, 20);
                Assert.InRange(after[i].Ticks - before[i].Ticks, 0, 100);
            }

            Assert.Equal(KvStatus.Ok, (await silos[1]!.ProposeAsync(KvCommands.Put(KvCommands.Request(session, 1), Key(1), ByteString.CopyFromUtf8("v1")))).Status);
            Assert.True(silos.Skip(1).Sum(s => s!.Traffic.StreamItems) > after.Sum(a => a.StreamItems), "the proposal woke the group");
            await WaitForQuietUnderPreferredLeaderAsync(silos);

            int leader = await silos[1]!.LeaderSiloAsync();
            await silos[leader]!.KillAsync();
            silos[leader] = null;
            TestClusterSilo survivor = silos.First(s => s is not null)!;

            // Nothing but silo liveness may wake the followers here: status requests leave the core alone.
            var clock = Stopwatch.StartNew();
            while (!await AnyLeaderAsync(silos))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the followers did not elect a leader");
                await Task.Delay(20);
            }

            Assert.Equal(KvStatus.Ok, (await survivor.ProposeAsync(KvCommands.Put(KvCommands.Request(session, 2), Key(2), ByteString.CopyFromUtf8("v2")))).Status);
            ulong newLeader = (await survivor.StatusAsync(survivor.Id)).Leader;
            Assert.NotEqual((ulong)leader, newLeader);
            Assert.NotEqual(0UL, newLeader);
            Assert.Equal("v1", (await survivor.ReadAsync(Key(1))).Value!.ToStringUtf8());
        }
        finally
        {
            foreach (TestClusterSilo? silo in silos)
            {
                if (silo is not null)
                {
                    await silo.DisposeAsync();
                }
            }
        }
    }

    [Fact]
    public async Task Leadership_goes_back_to_the_preferred_replica_when_its_silo_returns()
    {
        // Proves leader balancing: the group's preferred leader (replica 1, on silo 1) leads, another replica takes over while silo 1 is down, and leadership comes back to replica 1 once its silo returns and catches up.
        string directory = Path.Combine(Path.GetTempPath(), "synod-tests", $"balance-{Guid.NewGuid():N}");
        var silos = new TestClusterSilo?[4];
        try
        {
            for (int id = 3; id >= 1; id--)
            {
                silos[id] = await TestClusterSilo.StartAsync(id, directory, silos, listenOn: null);
            }

            ByteString session = ByteString.CopyFromUtf8("client-balance");
            Assert.Equal(KvStatus.Ok, (await silos[1]!.ProposeAsync(KvCommands.RegisterClient(session))).Status);
            await WaitForLeaderAsync(silos[1]!, 1, "replica 1 leads");

            IPEndPoint endpoint = silos[1]!.Endpoint;
            await silos[1]!.KillAsync();
            silos[1] = null;
            var clock = Stopwatch.StartNew();
            while (!await AnyLeaderAsync(silos))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "no leader while silo 1 is down");
                await Task.Delay(20);
            }

            Assert.Equal(KvStatus.Ok, (await silos[2]!.ProposeAsync(KvCommands.Put(KvCommands.Request(session, 1), Key(1), ByteString.CopyFromUtf8("v1")))).Status);
            silos[1] = await TestClusterSilo.StartAsync(1, directory, silos, endpoint);
            await WaitForLeaderAsync(silos[2]!, 1, "leadership comes back to replica 1");
            Assert.Equal("v1", (await silos[1]!.ReadAsync(Key(1))).Value!.ToStringUtf8());
        }
        finally
        {
            foreach (TestClusterSilo? silo in silos)
            {
                if (silo is not null)
                {
                    await silo.DisposeAsync();
                }
            }
        }
    }

    private static async Task WaitForLeaderAsync(TestClusterSilo asking, ulong replica, string what)
    {
        var clock = Stopwatch.StartNew();
        while ((await asking.StatusAsync(asking.Id)).Leader != replica)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"timed out waiting until {what}");
            await Task.Delay(20);
        }
    }

    private static async Task<bool> AnyLeaderAsync(TestClusterSilo?[] silos)
    {
        foreach (TestClusterSilo? silo in silos)
        {
            if (silo is not null && (await silo.StatusAsync(silo.Id)).Role == "Leader")
            {
                return true;
            }
        }

        return false;
    }

    // Quiet and led by replica 1, the preferred leader: a leader that is not preferred goes quiet
    // and at once hands over, which wakes the group again.
    private static async Task WaitForQuietUnderPreferredLeaderAsync(TestClusterSilo?[] silos)
    {
        var clock = Stopwatch.StartNew();
        while (!(silos.Skip(1).All(s => s!.IsQuiet) && (await silos[1]!.StatusAsync(1)).Role == "Leader" && silos.Skip(1).All(s => s!.IsQuiet)))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the group did not go quiet under replica 1");
            await Task.Delay(20);
        }
    }

    private static ByteString Key(ulong i) => ByteString.CopyFromUtf8($"k{i}");

    private sealed class TestClusterSilo : IAsyncDisposable
    {
        private readonly AdoNetReplicaStore _store;
        private readonly SiloRuntime _runtime;
        private readonly SiloTransport _transport;

        private TestClusterSilo(int id, AdoNetReplicaStore store, SiloRuntime runtime, SiloTransport transport)
        {
            Id = id;
            _store = store;
            _runtime = runtime;
            _transport = transport;
        }

        public int Id { get; }

        public IPEndPoint Endpoint => _transport.LocalEndpoint;

        public bool IsQuiet => ((RaftReplicaGrain)_runtime.GetOrActivate(GrainId.Create(RaftReplicaKey.GrainType, $"kv:{Id}"))).IsQuiet;

        public (long Ticks, long StreamMessages, long StreamItems) Traffic => _runtime.TrafficCounters;

        public static async Task<TestClusterSilo> StartAsync(int id, string directory, TestClusterSilo?[] silos, IPEndPoint? listenOn)
        {
            var store = AdoNetReplicaStore.OpenSqlite(new SqliteReplicaStoreOptions { Path = Path.Combine(directory, $"silo-{id}.db") });
            await store.Started;
            var machine = new KvReplicatedStateMachine(new KvStateMachineConfig());
            var groups = new SingleGroup(machine);
            var options = new RaftReplicaOptions { ElectionTimeoutTicks = 40, HeartbeatTicks = 4 };
            var registry = new GrainTypeRegistry().Add(RaftReplicaKey.GrainType, _ => new RaftReplicaGrain(store, groups, options, NullLogger<RaftReplicaGrain>.Instance));
            var runtime = new SiloRuntime(registry, new RuntimeOptions { TickInterval = TimeSpan.FromMilliseconds(5), CallTimeout = TimeSpan.FromSeconds(5) });
            SiloEndpoint[] peers = [.. Enumerable.Range(1, 3).Where(peer => peer != id)
                .Select(peer => new SiloEndpoint(new SiloId(peer), peer > id && silos[peer] is { } started ? started.Endpoint : NeverDialled))];
            var transport = new SiloTransport(
                new SiloEndpoint(new SiloId(id), listenOn ?? new IPEndPoint(IPAddress.Loopback, 0)),
                peers,
                new TransportOptions { ClusterKey = "test-cluster-key-0123456789", HeartbeatInterval = TimeSpan.FromMilliseconds(100), PeerTimeout = TimeSpan.FromSeconds(1) },
                runtime.OnTransportMessageAsync,
                NullLoggerFactory.Instance);
            runtime.AttachCluster(new SiloId(id), Placement, transport);
            await transport.StartAsync(CancellationToken.None);
            runtime.GetOrActivate(GrainId.Create(RaftReplicaKey.GrainType, $"kv:{id}"));
            runtime.Start();
            return new TestClusterSilo(id, store, runtime, transport);
        }

        public async Task<KvResult> ProposeAsync(byte[] command) =>
            Decode(await UntilOkAsync(replica => replica.InvokeAsync<ReplicaProposal, ReplicaAnswer>(new ReplicaProposal { Command = ByteString.CopyFrom(command) })));

        public async Task<KvResult> ReadAsync(ByteString key) =>
            Decode(await UntilOkAsync(replica => replica.InvokeAsync<ReplicaRead, ReplicaAnswer>(new ReplicaRead { Query = key })));

        public Task<ReplicaStatusReply> StatusAsync(int replica) =>
            Replica(replica).InvokeAsync<ReplicaStatusRequest, ReplicaStatusReply>(new ReplicaStatusRequest());

        public async Task<int> LeaderSiloAsync()
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                foreach (int silo in new[] { 1, 2, 3 })
                {
                    ReplicaStatusReply status = await Replica(silo).InvokeAsync<ReplicaStatusRequest, ReplicaStatusReply>(new ReplicaStatusRequest());
                    if (status.Role == "Leader")
                    {
                        return silo;
                    }
                }

                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), "no leader");
                await Task.Delay(20);
            }
        }

        /// <summary>Stops the transport first, so nothing this silo does on its way down (a leadership hand-off) reaches its peers: as SIGKILL would.</summary>
        public async Task KillAsync()
        {
            await _transport.DisposeAsync();
            await _runtime.DisposeAsync();
            await _store.DisposeAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await _runtime.DisposeAsync();
            await _transport.DisposeAsync();
            await _store.DisposeAsync();
        }

        private static SiloId Placement(GrainId grain) => new(RaftReplicaKey.Parse(grain.Key).Replica.Value is var r and >= 1 and <= 3 ? (int)r : 1);

        private static KvResult Decode(ReplicaAnswer answer)
        {
            Assert.True(KvResultCodec.TryDecode(answer.Result.Span, out KvResult? result));
            return result;
        }

        private IGrainReference Replica(int replica) => _runtime.GetGrain(GrainId.Create(RaftReplicaKey.GrainType, $"kv:{replica}"));

        // A client's loop over the replicas: the same command (same request id) until one answers
        // OK; calls to a stopped silo fail and the loop moves on.
        private async Task<ReplicaAnswer> UntilOkAsync(Func<IGrainReference, Task<ReplicaAnswer>> call)
        {
            var clock = Stopwatch.StartNew();
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    ReplicaAnswer answer = await call(Replica((attempt % 3) + 1));
                    if (answer.Status == ReplicaAnswer.Types.Status.Ok)
                    {
                        return answer;
                    }
                }
                catch (GrainCallException)
                {
                    // The replica's silo is down or did not answer in time: try the next one.
                }

                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "no replica answered OK within 20 s");
                await Task.Delay(10);
            }
        }
    }

    private sealed class SingleGroup(KvReplicatedStateMachine machine) : IRaftGroupDirectory
    {
        public Membership? InitialMembership(string group, ReplicaId replica) => Membership.OfVoters(new ReplicaId(1), new ReplicaId(2), new ReplicaId(3));

        public IReplicatedStateMachine CreateStateMachine(string group) => machine;
    }
}
