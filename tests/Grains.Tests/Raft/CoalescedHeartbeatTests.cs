using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Synod.Consensus.Raft;
using Synod.Grains.Interfaces;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.KeyValue;
using Synod.Grains.Raft;
using Synod.Persistence.AdoNet;
using Synod.Runtime.Grains;
using Synod.Runtime.Transport;

namespace Synod.Grains.Tests.Raft;

/// <summary>
/// Issue 6's coalesced heartbeats on real transports: many awake groups share three silos, and
/// the heartbeats (and their answers) of every group a silo pair shares travel together, so the
/// transport carries far fewer messages than Raft sends items.
/// </summary>
public sealed class CoalescedHeartbeatTests
{
    private const int Groups = 24;
    private static readonly IPEndPoint NeverDialled = new(IPAddress.Loopback, 9);

    [Fact]
    public async Task Heartbeats_of_every_group_a_silo_pair_shares_travel_in_shared_transport_messages()
    {
        // Proves that with 24 awake groups (quiescence off) the silos' heartbeats and answers leave in shared transport messages: at least 3 stream items per message, where one message per item gives 1 (measured on the loaded 2-core machine: 4.6-5.9 with heartbeats in phase, 2.4-2.7 with each leader on its own phase).
        string directory = Path.Combine(Path.GetTempPath(), "synod-tests", $"coalesce-{Guid.NewGuid():N}");
        var silos = new Silo?[4];
        try
        {
            for (int id = 3; id >= 1; id--)
            {
                silos[id] = await Silo.StartAsync(id, directory, silos);
            }

            await WaitForLeadersAsync(silos);
            (long Ticks, long Messages, long Items)[] before = [.. silos.Skip(1).Select(s => s!.Traffic)];

            // Idle but awake: only heartbeats and their answers flow. Time must pass to count them.
            await Task.Delay(TimeSpan.FromSeconds(2));
            (long Ticks, long Messages, long Items)[] after = [.. silos.Skip(1).Select(s => s!.Traffic)];
            long messages = after.Zip(before, (a, b) => a.Messages - b.Messages).Sum();
            long items = after.Zip(before, (a, b) => a.Items - b.Items).Sum();

            // 24 leaders heartbeat 2 followers every 4 ticks of 5 ms: ~2,400 heartbeats and as many
            // answers in 2 s. Sent one per message they would need as many messages as items.
            Assert.True(items > 1_000, $"the groups are awake and heartbeating ({items} items in 2 s)");
            Assert.True(items >= 3 * messages, $"{items} stream items went out in {messages} transport messages");
        }
        finally
        {
            foreach (Silo? silo in silos)
            {
                if (silo is not null)
                {
                    await silo.DisposeAsync();
                }
            }
        }
    }

    private static async Task WaitForLeadersAsync(Silo?[] silos)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            int led = 0;
            for (int g = 0; g < Groups; g++)
            {
                foreach (Silo silo in silos.Skip(1).Select(s => s!))
                {
                    if ((await silo.StatusAsync(g)).Role == "Leader")
                    {
                        led++;
                        break;
                    }
                }
            }

            if (led == Groups)
            {
                return;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"only {led} of {Groups} groups elected a leader");
            await Task.Delay(50);
        }
    }

    private sealed class Silo : IAsyncDisposable
    {
        private readonly AdoNetReplicaStore _store;
        private readonly SiloRuntime _runtime;
        private readonly SiloTransport _transport;
        private readonly int _id;

        private Silo(int id, AdoNetReplicaStore store, SiloRuntime runtime, SiloTransport transport)
        {
            _id = id;
            _store = store;
            _runtime = runtime;
            _transport = transport;
        }

        public IPEndPoint Endpoint => _transport.LocalEndpoint;

        public (long Ticks, long Messages, long Items) Traffic => _runtime.TrafficCounters;

        public static async Task<Silo> StartAsync(int id, string directory, Silo?[] silos)
        {
            System.IO.Directory.CreateDirectory(directory);
            var store = AdoNetReplicaStore.OpenSqlite(new SqliteReplicaStoreOptions { Path = Path.Combine(directory, $"silo-{id}.db") });
            await store.Started;
            var options = new RaftReplicaOptions { ElectionTimeoutTicks = 40, HeartbeatTicks = 4, Quiescence = false, PreferredLeaderBalancing = false };
            var registry = new GrainTypeRegistry().Add(RaftReplicaKey.GrainType, _ => new RaftReplicaGrain(store, new ThreeVoterGroups(), options, NullLogger<RaftReplicaGrain>.Instance));
            var runtime = new SiloRuntime(registry, new RuntimeOptions { TickInterval = TimeSpan.FromMilliseconds(5), CallTimeout = TimeSpan.FromSeconds(5) });
            SiloEndpoint[] peers = [.. Enumerable.Range(1, 3).Where(peer => peer != id)
                .Select(peer => new SiloEndpoint(new SiloId(peer), peer > id && silos[peer] is { } started ? started.Endpoint : NeverDialled))];
            var transport = new SiloTransport(
                new SiloEndpoint(new SiloId(id), new IPEndPoint(IPAddress.Loopback, 0)),
                peers,
                new TransportOptions { ClusterKey = "test-cluster-key-0123456789", HeartbeatInterval = TimeSpan.FromMilliseconds(100), PeerTimeout = TimeSpan.FromSeconds(1) },
                runtime.OnTransportMessageAsync,
                NullLoggerFactory.Instance);
            runtime.AttachCluster(new SiloId(id), grain => new SiloId((int)RaftReplicaKey.Parse(grain.Key).Replica.Value), transport);
            await transport.StartAsync(CancellationToken.None);
            for (int g = 0; g < Groups; g++)
            {
                runtime.GetOrActivate(Replica(g, id));
            }

            runtime.Start();
            return new Silo(id, store, runtime, transport);
        }

        public Task<ReplicaStatusReply> StatusAsync(int group) =>
            _runtime.GetGrain(Replica(group, _id)).InvokeAsync<ReplicaStatusRequest, ReplicaStatusReply>(new ReplicaStatusRequest());

        public async ValueTask DisposeAsync()
        {
            await _runtime.DisposeAsync();
            await _transport.DisposeAsync();
            await _store.DisposeAsync();
        }

        private static GrainId Replica(int group, int replica) => GrainId.Create(RaftReplicaKey.GrainType, $"g{group}:{replica}");
    }

    private sealed class ThreeVoterGroups : IRaftGroupDirectory
    {
        public Membership? InitialMembership(string group, ReplicaId replica) => Membership.OfVoters(new ReplicaId(1), new ReplicaId(2), new ReplicaId(3));

        public IReplicatedStateMachine CreateStateMachine(string group) => new KvReplicatedStateMachine(new KvStateMachineConfig());
    }
}
