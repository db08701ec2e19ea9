using System.Buffers.Binary;
using Synod.Grains.KeyValue;

namespace Synod.Grains.Tests.KeyValue;

public sealed class KvSnapshotTests
{
    private static readonly KvStateMachineConfig SmallConfig = new() { MaxSessions = 3, MaxKeyBytes = 16, MaxValueBytes = 64 };

    [Fact]
    public void A_restored_snapshot_equals_the_original_and_keeps_deduplicating()
    {
        // Proves restore rebuilds entries, sessions, saved responses, limits and applied index exactly.
        var kv = Populated();

        var restored = KvStateMachine.Restore(kv.Machine.Snapshot());

        KvHarness.AssertSameState(kv.Machine, restored);
        Assert.Equal(kv.Machine.Snapshot(), restored.Snapshot());
        Assert.Equal(SmallConfig, restored.Config);
        var retry = KvHarness.PutCommand("a", 2, "x", "again", returnPrevious: true);
        var index = new Synod.Consensus.Raft.LogIndex(kv.LastIndex + 1);
        Assert.Equal(kv.Machine.Apply(index, retry), restored.Apply(index, retry));
        KvHarness.AssertSameState(kv.Machine, restored);
    }

    [Fact]
    public void An_empty_machine_round_trips()
    {
        // Proves the smallest snapshot is valid and restores to an empty machine with the default limits.
        var empty = new KvStateMachine();

        var restored = KvStateMachine.Restore(empty.Snapshot());

        KvHarness.AssertSameState(empty, restored);
        Assert.Equal(0, restored.KeyCount);
    }

    [Fact]
    public void Identical_states_built_in_different_orders_give_identical_bytes()
    {
        // Proves snapshot bytes depend only on the state, not on the history of inserts and deletes behind it.
        var ascending = new KvHarness(SmallConfig);
        ascending.Register("w");
        for (var i = 0; i < 20; i++)
        {
            ascending.Put("w", (ulong)i + 1, "k" + i, "v" + i);
        }

        var descending = new KvHarness(SmallConfig);
        descending.Register("other");
        descending.Put("other", 1, "junk", "x");
        for (var i = 19; i >= 0; i--)
        {
            descending.Put("other", (ulong)(21 - i), "k" + i, i == 7 ? "wrong" : "v" + i);
        }

        descending.Delete("other", 22, "junk");
        descending.CompareAndSet("other", 23, "k7", "wrong", "v7");

        var common = Math.Max(ascending.LastIndex, descending.LastIndex);
        var first = WithSameSessions(ascending, common);
        var second = WithSameSessions(descending, common);

        KvHarness.AssertSameState(first.Machine, second.Machine);
        Assert.Equal(first.Machine.Snapshot(), second.Machine.Snapshot());
    }

    [Fact]
    public void Every_single_byte_corruption_is_detected()
    {
        // Proves the checksum (and the envelope checks) catch a change to any one byte of a snapshot.
        var snapshot = Populated().Machine.Snapshot();
        for (var i = 0; i < snapshot.Length; i++)
        {
            var corrupt = (byte[])snapshot.Clone();
            corrupt[i] ^= 0x5A;
            Assert.Throws<KvSnapshotCorruptException>(() => KvStateMachine.Restore(corrupt));
        }
    }

    [Fact]
    public void Truncated_empty_and_foreign_bytes_are_refused_with_a_clear_reason()
    {
        // Proves restore names what is wrong: too short, wrong magic, unsupported version, checksum.
        var snapshot = Populated().Machine.Snapshot();

        Assert.Contains("less than", Refuse([]));
        Assert.Contains("checksum", Refuse(snapshot[..^1]));
        Assert.Contains("magic", Refuse([.. "XKVS"u8, .. snapshot[4..]]));
        var future = (byte[])snapshot.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(future.AsSpan(4), 3);
        Assert.Contains("version 3", Refuse(future));
        var flipped = (byte[])snapshot.Clone();
        flipped[^10] ^= 1;
        Assert.Contains("checksum mismatch", Refuse(flipped));
    }

    [Fact]
    public void A_well_checksummed_snapshot_with_impossible_contents_is_refused()
    {
        // Proves validation goes beyond the checksum: unsorted keys, a session past the applied index, broken limits.
        var kv = new KvHarness(SmallConfig);
        kv.Register("c");
        kv.Put("c", 1, "a", "1");
        kv.Put("c", 2, "b", "2");
        var snapshot = kv.Machine.Snapshot();
        var keyA = snapshot.AsSpan().IndexOf("\x01\0\0\0a"u8);
        Assert.Equal(KvSnapshotFormat.FixedBytes - 12, keyA);

        var unsorted = (byte[])snapshot.Clone();
        unsorted[keyA + 4] = (byte)'c';
        Assert.Contains("not after", Refuse(Resealed(unsorted)));

        var behind = (byte[])snapshot.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(behind.AsSpan(8), 1);
        Assert.Contains("outside", Refuse(Resealed(behind)));

        var noSessions = (byte[])snapshot.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(noSessions.AsSpan(16 + 12), 0);
        Assert.Contains("MaxSessions", Refuse(Resealed(noSessions)));

        Assert.Contains("unexpected bytes", Refuse(Resealed([.. snapshot[..^4], 0, 0, 0, 0, 0])));
    }

    [Fact]
    public void Crc32C_matches_the_standard_check_value()
    {
        // Proves the snapshot checksum is CRC-32C as published (check value of "123456789").
        Assert.Equal(0xE3069283u, Synod.Runtime.Storage.RecordChecksum.Compute("123456789"u8));
        Assert.Equal(0u, Synod.Runtime.Storage.RecordChecksum.Compute([]));
    }

    private static KvHarness Populated()
    {
        var kv = new KvHarness(SmallConfig);
        kv.Register("a");
        kv.Register("b");
        kv.Register("idle");
        kv.Put("a", 1, "x", "1");
        kv.Put("a", 2, "x", "2", returnPrevious: true);
        kv.CompareAndSet("b", 1, "x", "0", "3");
        kv.Put("b", 2, "empty", "");
        kv.Put("b", 3, "\u00ff\u0000binary", "\u0001\u0002");
        return kv;
    }

    /// <summary>
    /// Pads to a common index, expires every session and opens the same ones again, so that two
    /// histories meant to reach the same data also agree on their sessions.
    /// </summary>
    private static KvHarness WithSameSessions(KvHarness kv, ulong commonIndex)
    {
        while (kv.LastIndex < commonIndex)
        {
            kv.Skip();
        }

        kv.ExpireSessions(kv.LastIndex + 1);
        kv.Register("a");
        kv.Register("z");
        kv.Put("a", 1, "k3", "v3", returnPrevious: true);
        kv.CompareAndSet("z", 1, "k4", "v4", "v4");
        return kv;
    }

    private static string Refuse(byte[] snapshot) =>
        Assert.Throws<KvSnapshotCorruptException>(() => KvStateMachine.Restore(snapshot)).Message;

    private static byte[] Resealed(byte[] snapshot)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(snapshot.AsSpan(snapshot.Length - 4), Synod.Runtime.Storage.RecordChecksum.Compute(snapshot.AsSpan(0, snapshot.Length - 4)));
        return snapshot;
    }
}
