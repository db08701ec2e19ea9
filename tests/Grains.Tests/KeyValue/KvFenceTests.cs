using System.Buffers.Binary;
using Synod.Grains.KeyValue;
using Synod.Runtime.Storage;

namespace Synod.Grains.Tests.KeyValue;

public sealed class KvFenceTests
{
    private static byte[] FencedPut(string client, ulong sequence, string key, string value, string lockName, ulong token) =>
        KvCommands.Put(KvCommands.Request(KvHarness.Bytes(client), sequence), KvHarness.Bytes(key), KvHarness.Bytes(value), fence: KvCommands.Fence(lockName, token));

    [Fact]
    public void A_write_with_a_token_lower_than_one_seen_is_fenced_and_changes_nothing()
    {
        // Proves the core fencing rule: after token 9 wrote, token 5 is FENCED and the value stays 9's.
        var kv = new KvHarness();
        kv.Register("a");
        kv.Register("b");
        Assert.Equal(KvResult.Ok(), kv.Apply(FencedPut("b", 1, "k", "from-9", "L", 9)));
        Assert.Equal(KvResult.Fenced, kv.Apply(FencedPut("a", 1, "k", "from-5", "L", 5)));
        Assert.Equal("from-9", kv.ValueOf("k"));
        Assert.Equal(9UL, kv.Machine.HighestFenceToken(KvHarness.Bytes("L")));
    }

    [Fact]
    public void Equal_and_higher_tokens_pass_and_a_higher_one_is_recorded()
    {
        // Proves a holder may write repeatedly with its token, and a newer holder's token raises the fence.
        var kv = new KvHarness();
        kv.Register("a");
        Assert.Equal(KvResult.Ok(), kv.Apply(FencedPut("a", 1, "k", "1", "L", 4)));
        Assert.Equal(KvResult.Ok(), kv.Apply(FencedPut("a", 2, "k", "2", "L", 4)));
        Assert.Equal(KvResult.Ok(), kv.Apply(FencedPut("a", 3, "k", "3", "L", 7)));
        Assert.Equal(7UL, kv.Machine.HighestFenceToken(KvHarness.Bytes("L")));
        Assert.Equal(KvResult.Fenced, kv.Apply(FencedPut("a", 4, "k", "4", "L", 4)));
        Assert.Null(kv.Machine.HighestFenceToken(KvHarness.Bytes("other")));
    }

    [Fact]
    public void Deletes_and_compare_and_sets_are_fenced_too()
    {
        // Proves the fence guards every write kind, not only put.
        var kv = new KvHarness();
        kv.Register("a");
        kv.Apply(FencedPut("a", 1, "k", "v", "L", 10));
        var stale = KvCommands.Fence("L", 3);
        Assert.Equal(KvResult.Fenced, kv.Apply(KvCommands.Delete(KvCommands.Request(KvHarness.Bytes("a"), 2), KvHarness.Bytes("k"), fence: stale)));
        Assert.Equal(KvResult.Fenced, kv.Apply(KvCommands.CompareAndSet(KvCommands.Request(KvHarness.Bytes("a"), 3), KvHarness.Bytes("k"), KvHarness.Bytes("v"), KvHarness.Bytes("w"), stale)));
        Assert.Equal("v", kv.ValueOf("k"));
    }

    [Fact]
    public void A_retried_fenced_request_gets_its_saved_answer()
    {
        // Proves the fence outcome is saved in the session, so a retry is answered the same and not re-judged.
        var kv = new KvHarness();
        kv.Register("a");
        kv.Register("b");
        kv.Apply(FencedPut("b", 1, "k", "new", "L", 9));
        var stale = FencedPut("a", 1, "k", "old", "L", 5);
        Assert.Equal(KvResult.Fenced, kv.Apply(stale));
        Assert.Equal(KvResult.Fenced, kv.Apply(stale));
        Assert.Equal("new", kv.ValueOf("k"));
    }

    [Theory]
    [InlineData("", 1UL)]
    [InlineData("L", 0UL)]
    [InlineData("much-too-long-lock-name", 1UL)]
    public void An_invalid_fence_is_rejected(string lockName, ulong token)
    {
        // Proves a fence with an empty or too long lock name, or token 0, is rejected before anything is applied.
        var kv = new KvHarness(new KvStateMachineConfig { MaxLockNameBytes = 8 });
        kv.Register("a");
        Assert.Equal(KvResult.Rejected(KvRejectReason.FenceInvalid), kv.Apply(FencedPut("a", 1, "k", "v", lockName, token)));
        Assert.Null(kv.ValueOf("k"));
    }

    [Fact]
    public void A_new_lock_past_MaxFences_is_refused_and_known_locks_still_work()
    {
        // Proves the fence table is bounded by refusal, never by forgetting a token.
        var kv = new KvHarness(new KvStateMachineConfig { MaxFences = 2 });
        kv.Register("a");
        kv.Apply(FencedPut("a", 1, "k", "1", "L1", 5));
        kv.Apply(FencedPut("a", 2, "k", "2", "L2", 5));
        Assert.Equal(KvResult.Rejected(KvRejectReason.FencesFull), kv.Apply(FencedPut("a", 3, "k", "3", "L3", 5)));
        Assert.Equal(KvResult.Ok(), kv.Apply(FencedPut("a", 4, "k", "4", "L1", 6)));
        Assert.Equal(KvResult.Fenced, kv.Apply(FencedPut("a", 5, "k", "5", "L2", 4)));
        Assert.Equal("4", kv.ValueOf("k"));
    }

    [Fact]
    public void Fences_survive_a_snapshot_and_restore()
    {
        // Proves the fence table and its limits are in the snapshot: the restored machine still fences and encodes to the same bytes.
        var kv = new KvHarness(new KvStateMachineConfig { MaxFences = 3, MaxLockNameBytes = 16 });
        kv.Register("a");
        kv.Apply(FencedPut("a", 1, "k", "1", "zeta", 8));
        kv.Apply(FencedPut("a", 2, "k", "2", "alpha", 3));
        var snapshot = kv.Machine.Snapshot();

        var restored = KvStateMachine.Restore(snapshot);
        KvHarness.AssertSameState(kv.Machine, restored);
        Assert.Equal(snapshot, restored.Snapshot());
        Assert.Equal(3, restored.Config.MaxFences);
        Assert.Equal(8UL, restored.HighestFenceToken(KvHarness.Bytes("zeta")));
        var next = new Synod.Consensus.Raft.LogIndex(kv.LastIndex + 1);
        Assert.Equal(KvResult.Fenced, restored.Apply(next, FencedPut("a", 3, "k", "3", "zeta", 7)));
    }

    [Fact]
    public void A_snapshot_with_a_zero_fence_token_is_refused()
    {
        // Proves restore validates fence entries behind a valid checksum.
        var kv = new KvHarness();
        kv.Register("a");
        kv.Apply(FencedPut("a", 1, "k", "1", "L", 0x0102030405060708));
        var snapshot = kv.Machine.Snapshot();
        var token = snapshot.AsSpan().IndexOf(new byte[] { 8, 7, 6, 5, 4, 3, 2, 1 });
        snapshot.AsSpan(token, 8).Clear();
        var error = Assert.Throws<KvSnapshotCorruptException>(() => KvStateMachine.Restore(Resealed(snapshot)));
        Assert.Contains("token 0", error.Message);
    }

    [Fact]
    public void A_version_1_snapshot_from_before_fences_still_restores()
    {
        // Proves the version bump keeps old snapshots readable: version 1 bytes restore with no fences and default fence limits.
        var kv = new KvHarness();
        kv.Register("a");
        kv.Put("a", 1, "k", "v");
        var current = kv.Machine.Snapshot();
        const int fenceConfigOffset = 4 + 4 + 8 + (4 * 4) + 8;
        byte[] old = [.. current.AsSpan(0, fenceConfigOffset), .. current.AsSpan(fenceConfigOffset + 8, current.Length - fenceConfigOffset - 8 - 8), 0, 0, 0, 0];
        BinaryPrimitives.WriteUInt32LittleEndian(old.AsSpan(4), 1);

        var restored = KvStateMachine.Restore(Resealed(old));
        KvHarness.AssertSameState(kv.Machine, restored);
        Assert.Equal(current, restored.Snapshot());
    }

    private static byte[] Resealed(byte[] snapshot)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(snapshot.AsSpan(snapshot.Length - 4), RecordChecksum.Compute(snapshot.AsSpan(0, snapshot.Length - 4)));
        return snapshot;
    }
}
