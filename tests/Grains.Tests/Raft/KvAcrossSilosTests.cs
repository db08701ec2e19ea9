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
