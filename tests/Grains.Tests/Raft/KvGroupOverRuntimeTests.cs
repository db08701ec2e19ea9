using System.Diagnostics;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Synod.Consensus.Raft;
using Synod.Grains.Interfaces;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.KeyValue;
using Synod.Grains.Raft;
using KvResult = Synod.Grains.KeyValue.KvResult;
using Synod.Persistence.AdoNet;
using Synod.Runtime.Grains;

namespace Synod.Grains.Tests.Raft;

/// <summary>The replicated key-value store on a Raft group of replica grains, driven as a client would.</summary>
public sealed class KvGroupOverRuntimeTests
{
    [Fact]
    public async Task Put_get_cas_and_a_retried_request_through_the_group_behave_like_one_key_value_store()
    {
        // Proves the key-value state machine runs on replica grains: a put is read back linearizably, a CAS with a stale expectation is refused with the current value, and a retried request id is answered from its session without being applied twice.
        string path = Path.Combine(Path.GetTempPath(), "synod-tests", $"kv-{Guid.NewGuid():N}.db");
        await using AdoNetReplicaStore store = AdoNetReplicaStore.OpenSqlite(new SqliteReplicaStoreOptions { Path = path });
        await store.Started;
        var registry = new GrainTypeRegistry().Add(RaftReplicaKey.GrainType, _ => new RaftReplicaGrain(store, new KvDirectory(), new RaftReplicaOptions { ElectionTimeoutTicks = 40, HeartbeatTicks = 4 }, NullLogger<RaftReplicaGrain>.Instance));
        await using var runtime = new SiloRuntime(registry, new RuntimeOptions { TickInterval = TimeSpan.FromMilliseconds(5) });
        IGrainReference[] replicas = [.. new[] { "kv:1", "kv:2", "kv:3" }.Select(key => runtime.GetGrain(GrainId.Create(RaftReplicaKey.GrainType, key)))];
        foreach (IGrainReference replica in replicas)
        {
            runtime.GetOrActivate(replica.Id);
        }

        runtime.Start();
        ByteString client = ByteString.CopyFromUtf8("client-1");
        Assert.Equal(KvStatus.Ok, (await ProposeAsync(replicas, KvCommands.RegisterClient(client))).Status);
        KvResult put = await ProposeAsync(replicas, KvCommands.Put(KvCommands.Request(client, 1), ByteString.CopyFromUtf8("a"), ByteString.CopyFromUtf8("1")));
        Assert.Equal(KvStatus.Ok, put.Status);

        KvResult read = await ReadAsync(replicas, ByteString.CopyFromUtf8("a"));
        Assert.Equal("1", read.Value!.ToStringUtf8());

        KvResult cas = await ProposeAsync(replicas, KvCommands.CompareAndSet(KvCommands.Request(client, 2), ByteString.CopyFromUtf8("a"), ByteString.CopyFromUtf8("0"), ByteString.CopyFromUtf8("2")));
        Assert.Equal(KvStatus.CasMismatch, cas.Status);
        Assert.Equal("1", cas.Value!.ToStringUtf8());

        byte[] increment = KvCommands.CompareAndSet(KvCommands.Request(client, 3), ByteString.CopyFromUtf8("a"), ByteString.CopyFromUtf8("1"), ByteString.CopyFromUtf8("2"));
        Assert.Equal(KvStatus.Ok, (await ProposeAsync(replicas, increment)).Status);
        Assert.Equal(KvStatus.Ok, (await ProposeAsync(replicas, increment)).Status);
        Assert.Equal("2", (await ReadAsync(replicas, ByteString.CopyFromUtf8("a"))).Value!.ToStringUtf8());
    }

    private static async Task<KvResult> ProposeAsync(IGrainReference[] replicas, byte[] command)
    {
        ReplicaAnswer answer = await UntilAnsweredAsync(replicas, replica => replica.InvokeAsync<ReplicaProposal, ReplicaAnswer>(new ReplicaProposal { Command = ByteString.CopyFrom(command) }));
        Assert.True(KvResultCodec.TryDecode(answer.Result.Span, out KvResult? result));
        return result;
    }

    private static async Task<KvResult> ReadAsync(IGrainReference[] replicas, ByteString key)
    {
        ReplicaAnswer answer = await UntilAnsweredAsync(replicas, replica => replica.InvokeAsync<ReplicaRead, ReplicaAnswer>(new ReplicaRead { Query = key }));
        Assert.True(KvResultCodec.TryDecode(answer.Result.Span, out KvResult? result));
        return result;
    }

    // A client's loop: try each replica until one answers OK; the same command bytes (same
    // request id) are retried, which the sessions make safe.
    private static async Task<ReplicaAnswer> UntilAnsweredAsync(IGrainReference[] replicas, Func<IGrainReference, Task<ReplicaAnswer>> call)
    {
        var clock = Stopwatch.StartNew();
        for (int attempt = 0; ; attempt++)
        {
            ReplicaAnswer answer = await call(replicas[attempt % replicas.Length]);
            if (answer.Status == ReplicaAnswer.Types.Status.Ok)
            {
                return answer;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"no replica answered OK; last answer {answer}");
            await Task.Delay(5);
        }
    }

    private sealed class KvDirectory : IRaftGroupDirectory
    {
        public Membership? InitialMembership(string group, ReplicaId replica) => Membership.OfVoters(new ReplicaId(1), new ReplicaId(2), new ReplicaId(3));

        public IReplicatedStateMachine CreateStateMachine(string group) => new KvReplicatedStateMachine(new KvStateMachineConfig());
    }
}
