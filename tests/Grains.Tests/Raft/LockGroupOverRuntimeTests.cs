using System.Diagnostics;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Synod.Consensus.Raft;
using Synod.Grains.Interfaces;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.Locks;
using Synod.Grains.Raft;
using Synod.Persistence.AdoNet;
using Synod.Runtime.Grains;

namespace Synod.Grains.Tests.Raft;

/// <summary>The lock machine on a Raft group of replica grains, with the leader stamping its time.</summary>
public sealed class LockGroupOverRuntimeTests
{
    [Fact]
    public async Task The_leader_stamps_lock_commands_with_base_plus_elapsed_time_not_the_clients_or_its_raw_clock()
    {
        // Proves the leader replica rewrites leader_time_ms: a client's bogus time and the clock's
        // arbitrary origin are ignored, time starts at the machine's observed time (0) and advances
        // with the leader's monotonic clock, so a lease expires and the next grant has a higher token.
        string path = Path.Combine(Path.GetTempPath(), "synod-tests", $"locks-{Guid.NewGuid():N}.db");
        await using AdoNetReplicaStore store = AdoNetReplicaStore.OpenSqlite(new SqliteReplicaStoreOptions { Path = path });
        await store.Started;
        var clock = new ManualClock();
        var registry = new GrainTypeRegistry().Add(
            RaftReplicaKey.GrainType,
            _ => new RaftReplicaGrain(store, new LockDirectory(), new RaftReplicaOptions { ElectionTimeoutTicks = 40, HeartbeatTicks = 4 }, NullLogger<RaftReplicaGrain>.Instance, clock));
        await using var runtime = new SiloRuntime(registry, new RuntimeOptions { TickInterval = TimeSpan.FromMilliseconds(5) });
        IGrainReference[] replicas = [.. new[] { "lock:1", "lock:2", "lock:3" }.Select(key => runtime.GetGrain(GrainId.Create(RaftReplicaKey.GrainType, key)))];
        foreach (IGrainReference replica in replicas)
        {
            runtime.GetOrActivate(replica.Id);
        }

        runtime.Start();
        LockResult first = await ProposeAsync(replicas, Acquire("a", 987_654_321));
        Assert.Equal(LockResult.Types.Status.Granted, first.Status);
        Assert.Equal(1000UL, first.ExpiresAtMs);

        // Leadership may move between proposals (leader balancing); a new leader's time stands still
        // until its term's first entry applies, so time may lag the clock but never lead it.
        clock.Advance(TimeSpan.FromMilliseconds(1500));
        LockResult busy = await ProposeAsync(replicas, Acquire("b", 0));
        Assert.Equal(LockResult.Types.Status.Busy, busy.Status);
        Assert.InRange(busy.NowMs, 0UL, 1500UL);

        LockResult second = busy;
        for (int step = 0; step < 10 && second.Status != LockResult.Types.Status.Granted; step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(1000));
            second = await ProposeAsync(replicas, Acquire("b", 0));
        }

        Assert.Equal(LockResult.Types.Status.Granted, second.Status);
        Assert.Equal(second.NowMs + 1000, second.ExpiresAtMs);
        Assert.True(second.NowMs >= 2000, $"granted at {second.NowMs}, before the first lease (1000) plus the drift bound had passed");
        Assert.True(second.Token > first.Token, $"token {second.Token} after {first.Token}");
    }

    private static byte[] Acquire(string owner, ulong leaderTimeMs) =>
        new LockCommand
        {
            LeaderTimeMs = leaderTimeMs,
            Acquire = new LockAcquire { Name = ByteString.CopyFromUtf8("L"), Owner = ByteString.CopyFromUtf8(owner), TtlMs = 1000 },
        }.ToByteArray();

    private static async Task<LockResult> ProposeAsync(IGrainReference[] replicas, byte[] command)
    {
        var clock = Stopwatch.StartNew();
        for (int attempt = 0; ; attempt++)
        {
            ReplicaAnswer answer = await replicas[attempt % replicas.Length].InvokeAsync<ReplicaProposal, ReplicaAnswer>(new ReplicaProposal { Command = ByteString.CopyFrom(command) });
            if (answer.Status == ReplicaAnswer.Types.Status.Ok)
            {
                return LockResult.Parser.ParseFrom(answer.Result);
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"no replica answered OK; last answer {answer}");
            await Task.Delay(5);
        }
    }

    private sealed class LockDirectory : IRaftGroupDirectory
    {
        public Membership? InitialMembership(string group, ReplicaId replica) => Membership.OfVoters(new ReplicaId(1), new ReplicaId(2), new ReplicaId(3));

        public IReplicatedStateMachine CreateStateMachine(string group) => new LockReplicatedStateMachine(new LockStateMachineConfig { MaxClockDriftMs = 500 });
    }

    // A monotonic clock that moves only when told, from an origin far from zero.
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 123_456_789_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
