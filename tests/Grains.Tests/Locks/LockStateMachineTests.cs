using Google.Protobuf;
using Synod.Consensus.Raft;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.Locks;
using Status = Synod.Grains.Interfaces.Wire.LockResult.Types.Status;
using Reason = Synod.Grains.Interfaces.Wire.LockResult.Types.RejectReason;

namespace Synod.Grains.Tests.Locks;

public sealed class LockStateMachineTests
{
    private const ulong Drift = 100;

    private static readonly LockStateMachineConfig Config = new() { MaxLocks = 4, MaxNameBytes = 16, MaxOwnerBytes = 16, MaxTtlMs = 10_000, MaxClockDriftMs = Drift };

    private readonly LockReplicatedStateMachine _replica = new(Config);

    private ulong _index;

    private LockStateMachine Machine => _replica.Machine;

    [Fact]
    public void Grant_busy_renew_and_release_follow_the_holder()
    {
        // Proves a free lock is granted with its log index as token, others get Busy with the holder, the holder renews and releases, and then it is free.
        var granted = Acquire("db", "alice", ttlMs: 1000, timeMs: 0);
        Assert.Equal(Status.Granted, granted.Status);
        Assert.Equal(_index, granted.Token);
        Assert.Equal(1000UL, granted.ExpiresAtMs);

        var busy = Acquire("db", "bob", ttlMs: 1000, timeMs: 500);
        Assert.Equal(Status.Busy, busy.Status);
        Assert.Equal("alice", busy.Owner.ToStringUtf8());
        Assert.Equal(granted.Token, busy.Token);
        Assert.Equal(1000UL, busy.ExpiresAtMs);

        var renewed = Renew("db", "alice", granted.Token, timeMs: 900);
        Assert.Equal(Status.Ok, renewed.Status);
        Assert.Equal(1900UL, renewed.ExpiresAtMs);
        Assert.Equal(Status.LostLease, Renew("db", "bob", granted.Token, timeMs: 950).Status);
        Assert.Equal(Status.LostLease, Renew("db", "alice", granted.Token + 1, timeMs: 950).Status);
        Assert.Equal(Status.Held, Query("db").Status);

        Assert.Equal(Status.LostLease, Release("db", "bob", granted.Token, timeMs: 1000).Status);
        Assert.Equal(Status.Ok, Release("db", "alice", granted.Token, timeMs: 1000).Status);
        Assert.Equal(Status.Free, Query("db").Status);
        Assert.Equal(0, Machine.LockCount);

        var next = Acquire("db", "bob", ttlMs: 1000, timeMs: 1001);
        Assert.Equal(Status.Granted, next.Status);
        Assert.True(next.Token > granted.Token);
    }

    [Fact]
    public void An_acquire_by_the_holder_is_idempotent()
    {
        // Proves a retried acquire by the current holder returns the same token and only extends the lease.
        var first = Acquire("db", "alice", ttlMs: 1000, timeMs: 0);
        var retry = Acquire("db", "alice", ttlMs: 1000, timeMs: 300);

        Assert.Equal(Status.Granted, retry.Status);
        Assert.Equal(first.Token, retry.Token);
        Assert.Equal(1300UL, retry.ExpiresAtMs);
        Assert.Equal(1, Machine.LockCount);
    }

    [Fact]
    public void Tokens_strictly_increase_per_lock_across_expiries()
    {
        // Proves each grant after an expiry carries a higher token than every earlier grant of the lock, and a lease is held through the drift bound.
        var previous = 0UL;
        var time = 0UL;
        for (var round = 0; round < 5; round++)
        {
            MarkApplied(); // unrelated entries in between must not matter
            var owner = round % 2 == 0 ? "alice" : "bob";
            var granted = Acquire("db", owner, ttlMs: 1000, timeMs: time);
            Assert.Equal(Status.Granted, granted.Status);
            Assert.True(granted.Token > previous, $"token {granted.Token} after {previous}");
            previous = granted.Token;

            // At expires_at + drift the lease is still held; one millisecond later it is free.
            var other = round % 2 == 0 ? "bob" : "alice";
            Assert.Equal(Status.Busy, Acquire("db", other, ttlMs: 1000, timeMs: time + 1000 + Drift).Status);
            time += 1000 + Drift + 1;
        }
    }

    [Fact]
    public void An_expired_holders_renew_fails_and_the_new_holders_token_is_higher()
    {
        // Proves a holder whose lease lapsed (e.g. a paused client) cannot renew or release, and its successor is fenced above it.
        var old = Acquire("db", "alice", ttlMs: 1000, timeMs: 0);
        var successor = Acquire("db", "bob", ttlMs: 1000, timeMs: 1000 + Drift + 1);
        Assert.Equal(Status.Granted, successor.Status);
        Assert.True(successor.Token > old.Token);

        Assert.Equal(Status.LostLease, Renew("db", "alice", old.Token, timeMs: 1200).Status);
        Assert.Equal(Status.LostLease, Release("db", "alice", old.Token, timeMs: 1200).Status);
        var query = Query("db");
        Assert.Equal(Status.Held, query.Status);
        Assert.Equal(successor.Token, query.Token);
        Assert.Equal("bob", query.Owner.ToStringUtf8());
    }

    [Fact]
    public void An_expired_lease_is_not_renewed_even_if_nobody_took_it()
    {
        // Proves expiry alone ends a lease: renew answers LostLease and a re-acquire by the same owner gets a new, higher token.
        var old = Acquire("db", "alice", ttlMs: 1000, timeMs: 0);
        Assert.Equal(Status.LostLease, Renew("db", "alice", old.Token, timeMs: 1000 + Drift + 1).Status);
        Assert.Equal(Status.Free, Query("db").Status);

        var again = Acquire("db", "alice", ttlMs: 1000, timeMs: 1000 + Drift + 1);
        Assert.True(again.Token > old.Token);
    }

    [Fact]
    public void Time_never_goes_backwards_when_a_command_carries_an_older_leader_time()
    {
        // Proves the machine judges every command at the latest time applied, so a stale leader_time cannot revive an expired lease.
        var old = Acquire("db", "alice", ttlMs: 1000, timeMs: 0);
        Acquire("other", "carol", ttlMs: 1000, timeMs: 5000);
        Assert.Equal(5000UL, Machine.NowMs);

        var renew = Renew("db", "alice", old.Token, timeMs: 10);
        Assert.Equal(Status.LostLease, renew.Status);
        Assert.Equal(5000UL, renew.NowMs);

        var granted = Acquire("db", "bob", ttlMs: 1000, timeMs: 20);
        Assert.Equal(Status.Granted, granted.Status);
        Assert.Equal(6000UL, granted.ExpiresAtMs);
        Assert.Equal(5000UL, Machine.NowMs);
    }

    [Fact]
    public void A_full_table_reclaims_the_oldest_expired_lease_or_rejects()
    {
        // Proves MaxLocks bounds the records: a new name reclaims an expired record if there is one, else is rejected without change.
        for (var i = 0; i < Config.MaxLocks; i++)
        {
            Assert.Equal(Status.Granted, Acquire("l" + i, "alice", ttlMs: 1000 + (ulong)i, timeMs: 0).Status);
        }

        var full = Acquire("new", "bob", ttlMs: 1000, timeMs: 500);
        Assert.Equal(Status.Rejected, full.Status);
        Assert.Equal(Reason.LocksFull, full.RejectReason);

        Assert.Equal(Status.Granted, Acquire("new", "bob", ttlMs: 1000, timeMs: 1000 + Drift + 1).Status);
        Assert.Equal(Config.MaxLocks, Machine.LockCount);
        Assert.Equal(Status.Free, Query("l0").Status);
        Assert.Equal(Status.Held, Query("l1").Status);
    }

    [Fact]
    public void A_snapshot_round_trips_exactly()
    {
        // Proves restore rebuilds leases, tokens, expiries, time, limits and applied index, and the restored machine answers the next command identically.
        var held = Acquire("db", "alice", ttlMs: 1000, timeMs: 0);
        Acquire("cache", "bob", ttlMs: 3000, timeMs: 200);
        Renew("db", "alice", held.Token, timeMs: 400);
        MarkApplied();
        var snapshot = _replica.Snapshot();

        var restored = new LockReplicatedStateMachine(new LockStateMachineConfig());
        restored.Restore(snapshot);

        Assert.Equal(snapshot, restored.Snapshot());
        Assert.Equal(Config, restored.Machine.Config);
        Assert.Equal(Machine.AppliedIndex, restored.Machine.AppliedIndex);
        Assert.Equal(Machine.NowMs, restored.Machine.NowMs);
        Assert.Equal(_replica.Query("db"u8), restored.Query("db"u8));
        var next = AcquireCommand("db", "carol", 1000, 1450);
        var index = ++_index;
        Assert.Equal(_replica.Apply(index, next), restored.Apply(index, next));
        Assert.Equal(_replica.Snapshot(), restored.Snapshot());
    }

    [Fact]
    public void A_corrupted_snapshot_is_refused()
    {
        // Proves restore checks the checksum, magic and contents, and throws LockSnapshotCorruptException instead of restoring.
        Acquire("db", "alice", ttlMs: 1000, timeMs: 0);
        var snapshot = _replica.Snapshot();
        for (var i = 0; i < snapshot.Length; i++)
        {
            var corrupt = (byte[])snapshot.Clone();
            corrupt[i] ^= 0x40;
            Assert.Throws<LockSnapshotCorruptException>(() => LockStateMachine.Restore(corrupt));
        }

        Assert.Throws<LockSnapshotCorruptException>(() => LockStateMachine.Restore(snapshot.AsSpan(0, 6)));
        Assert.Throws<LockSnapshotCorruptException>(() => LockStateMachine.Restore(Array.Empty<byte>()));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0x12, 0x05, 0x0A })]
    [InlineData(new byte[] { })]
    public void Malformed_bytes_are_rejected_without_change(byte[] command)
    {
        // Proves an undecodable or operation-less committed entry is answered Rejected and changes nothing but the applied index.
        Acquire("db", "alice", ttlMs: 1000, timeMs: 0);
        var before = Machine.Snapshot();

        var result = LockResult.Parser.ParseFrom(_replica.Apply(++_index, command));

        Assert.Equal(Status.Rejected, result.Status);
        Assert.NotEqual(Reason.Unspecified, result.RejectReason);
        Assert.Equal(new LogIndex(_index), Machine.AppliedIndex);
        Assert.Equal(before.Length, Machine.Snapshot().Length);
        Assert.Equal(Status.Held, Query("db").Status);
        Assert.Equal(0UL, Machine.NowMs);
    }

    [Fact]
    public void Commands_breaking_a_limit_are_rejected_without_change()
    {
        // Proves every limit (name, owner, ttl, token, time, size) answers Rejected with its reason and neither grants nor advances time.
        var cases = new (LockCommand Command, Reason Reason)[]
        {
            (new LockCommand { LeaderTimeMs = 9, Acquire = new LockAcquire { Owner = Utf8("a"), TtlMs = 1 } }, Reason.NameEmpty),
            (new LockCommand { LeaderTimeMs = 9, Acquire = new LockAcquire { Name = Utf8(new string('n', 17)), Owner = Utf8("a"), TtlMs = 1 } }, Reason.NameTooLong),
            (new LockCommand { LeaderTimeMs = 9, Acquire = new LockAcquire { Name = Utf8("n"), TtlMs = 1 } }, Reason.OwnerEmpty),
            (new LockCommand { LeaderTimeMs = 9, Acquire = new LockAcquire { Name = Utf8("n"), Owner = Utf8(new string('o', 17)), TtlMs = 1 } }, Reason.OwnerTooLong),
            (new LockCommand { LeaderTimeMs = 9, Acquire = new LockAcquire { Name = Utf8("n"), Owner = Utf8("a") } }, Reason.TtlOutOfRange),
            (new LockCommand { LeaderTimeMs = 9, Acquire = new LockAcquire { Name = Utf8("n"), Owner = Utf8("a"), TtlMs = 10_001 } }, Reason.TtlOutOfRange),
            (new LockCommand { LeaderTimeMs = 9, Renew = new LockRenew { Name = Utf8("n"), Owner = Utf8("a") } }, Reason.TokenZero),
            (new LockCommand { LeaderTimeMs = 9, Release = new LockRelease { Name = Utf8("n"), Owner = Utf8("a") } }, Reason.TokenZero),
            (new LockCommand { LeaderTimeMs = ulong.MaxValue, Acquire = new LockAcquire { Name = Utf8("n"), Owner = Utf8("a"), TtlMs = 1 } }, Reason.TimeOutOfRange),
            (new LockCommand { LeaderTimeMs = 9 }, Reason.UnknownOperation),
        };
        foreach (var (command, reason) in cases)
        {
            var result = LockResult.Parser.ParseFrom(_replica.Apply(++_index, command.ToByteArray()));
            Assert.Equal(Status.Rejected, result.Status);
            Assert.Equal(reason, result.RejectReason);
        }

        var tooLarge = LockResult.Parser.ParseFrom(_replica.Apply(++_index, new byte[Config.MaxCommandBytes + 1]));
        Assert.Equal(Reason.CommandTooLarge, tooLarge.RejectReason);
        Assert.Equal(0, Machine.LockCount);
        Assert.Equal(0UL, Machine.NowMs);
        Assert.Equal(Reason.NameEmpty, LockResult.Parser.ParseFrom(_replica.Query(ReadOnlySpan<byte>.Empty)).RejectReason);
    }

    [Fact]
    public void Applying_an_index_that_does_not_increase_is_an_invariant_breach()
    {
        // Proves the machine fail-stops on a caller bug (replayed index) rather than applying a command twice.
        Acquire("db", "alice", ttlMs: 1000, timeMs: 0);
        Assert.Throws<Synod.Consensus.InvariantViolationException>(() => _replica.Apply(_index, AcquireCommand("db", "bob", 1000, 0)));
    }

    private static ByteString Utf8(string text) => ByteString.CopyFromUtf8(text);

    private static byte[] AcquireCommand(string name, string owner, ulong ttlMs, ulong timeMs) =>
        new LockCommand { LeaderTimeMs = timeMs, Acquire = new LockAcquire { Name = Utf8(name), Owner = Utf8(owner), TtlMs = ttlMs } }.ToByteArray();

    private LockResult Acquire(string name, string owner, ulong ttlMs, ulong timeMs) => Apply(AcquireCommand(name, owner, ttlMs, timeMs));

    private LockResult Renew(string name, string owner, ulong token, ulong timeMs) =>
        Apply(new LockCommand { LeaderTimeMs = timeMs, Renew = new LockRenew { Name = Utf8(name), Owner = Utf8(owner), Token = token } }.ToByteArray());

    private LockResult Release(string name, string owner, ulong token, ulong timeMs) =>
        Apply(new LockCommand { LeaderTimeMs = timeMs, Release = new LockRelease { Name = Utf8(name), Owner = Utf8(owner), Token = token } }.ToByteArray());

    private LockResult Query(string name) => LockResult.Parser.ParseFrom(_replica.Query(System.Text.Encoding.UTF8.GetBytes(name)));

    private LockResult Apply(byte[] command) => LockResult.Parser.ParseFrom(_replica.Apply(++_index, command));

    private void MarkApplied() => _replica.MarkApplied(++_index);
}
