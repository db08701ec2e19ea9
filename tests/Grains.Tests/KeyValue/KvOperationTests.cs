using Synod.Consensus;
using Synod.Consensus.Raft;
using Synod.Grains.KeyValue;

namespace Synod.Grains.Tests.KeyValue;

public sealed class KvOperationTests
{
    [Fact]
    public void Put_then_get_returns_the_value_and_put_can_return_what_it_replaced()
    {
        // Proves put stores a value, overwrites it, and reports the replaced value only when asked.
        var kv = new KvHarness();
        kv.Register("c");

        Assert.Equal(KvResult.NotFound, kv.Get("a"));
        Assert.Equal(KvResult.Ok(), kv.Put("c", 1, "a", "1"));
        Assert.Equal(KvResult.Ok(KvHarness.Bytes("1")), kv.Get("a"));
        Assert.Equal(KvResult.Ok(), kv.Put("c", 2, "a", "2"));
        Assert.Equal(KvResult.Ok(KvHarness.Bytes("2")), kv.Put("c", 3, "a", "3", returnPrevious: true));
        Assert.Equal(KvResult.Ok(), kv.Put("c", 4, "b", "x", returnPrevious: true));
        Assert.Equal("3", kv.ValueOf("a"));
        Assert.Equal(2, kv.Machine.KeyCount);
    }

    [Fact]
    public void An_empty_value_is_a_value_not_an_absence()
    {
        // Proves a key set to zero bytes is found, and is distinct from a missing key.
        var kv = new KvHarness();
        kv.Register("c");

        kv.Put("c", 1, "a", "");

        Assert.Equal(KvResult.Ok(KvHarness.Bytes("")), kv.Get("a"));
        Assert.Equal(KvResult.CasMismatch(KvHarness.Bytes("")), kv.CompareAndSet("c", 2, "a", null, "x"));
    }

    [Fact]
    public void Delete_removes_a_present_key_and_answers_not_found_for_an_absent_one()
    {
        // Proves delete removes the key (returning the old value when asked) and reports absence.
        var kv = new KvHarness();
        kv.Register("c");
        kv.Put("c", 1, "a", "1");
        kv.Put("c", 2, "b", "2");

        Assert.Equal(KvResult.Ok(), kv.Delete("c", 3, "a"));
        Assert.Equal(KvResult.Ok(KvHarness.Bytes("2")), kv.Delete("c", 4, "b", returnPrevious: true));
        Assert.Equal(KvResult.NotFound, kv.Delete("c", 5, "a"));
        Assert.Equal(KvResult.NotFound, kv.Get("a"));
        Assert.Equal(0, kv.Machine.KeyCount);
        Assert.Equal(0, kv.Machine.DataBytes);
    }

    [Fact]
    public void Compare_and_set_applies_only_when_the_expectation_holds()
    {
        // Proves every expectation/replacement combination of compare-and-set and the mismatch value.
        var kv = new KvHarness();
        kv.Register("c");

        Assert.Equal(KvResult.CasMismatch(null), kv.CompareAndSet("c", 1, "a", "0", "1"));
        Assert.Equal(KvResult.Ok(), kv.CompareAndSet("c", 2, "a", null, "1"));
        Assert.Equal("1", kv.ValueOf("a"));
        Assert.Equal(KvResult.CasMismatch(KvHarness.Bytes("1")), kv.CompareAndSet("c", 3, "a", null, "2"));
        Assert.Equal(KvResult.CasMismatch(KvHarness.Bytes("1")), kv.CompareAndSet("c", 4, "a", "9", "2"));
        Assert.Equal("1", kv.ValueOf("a"));
        Assert.Equal(KvResult.Ok(), kv.CompareAndSet("c", 5, "a", "1", "2"));
        Assert.Equal("2", kv.ValueOf("a"));
        Assert.Equal(KvResult.Ok(), kv.CompareAndSet("c", 6, "a", "2", null));
        Assert.Null(kv.ValueOf("a"));
        Assert.Equal(KvResult.Ok(), kv.CompareAndSet("c", 7, "a", null, null));
        Assert.Null(kv.ValueOf("a"));
    }

    [Fact]
    public void Applied_index_must_increase_and_covers_marked_entries()
    {
        // Proves the applied index follows applied and marked entries and that going back is an invariant breach.
        var kv = new KvHarness();
        kv.Register("c");
        kv.Skip();
        Assert.Equal(new LogIndex(2), kv.Machine.AppliedIndex);

        Assert.Throws<InvariantViolationException>(() => kv.Machine.Apply(new LogIndex(2), KvHarness.PutCommand("c", 1, "a", "1")));
        Assert.Throws<InvariantViolationException>(() => kv.Machine.MarkApplied(new LogIndex(1)));
        Assert.Null(kv.ValueOf("a"));
        Assert.Equal(new LogIndex(2), kv.Machine.AppliedIndex);
    }

    [Fact]
    public void An_invalid_config_is_refused_when_the_machine_is_built()
    {
        // Proves limits are validated up front, including the bound that keeps a snapshot in one array.
        Assert.Throws<ArgumentException>(() => new KvStateMachine(new KvStateMachineConfig { MaxKeyBytes = 0 }));
        Assert.Throws<ArgumentException>(() => new KvStateMachine(new KvStateMachineConfig { MaxSessions = 0 }));
        Assert.Throws<ArgumentException>(() => new KvStateMachine(new KvStateMachineConfig { MaxDataBytes = 100 }));
        Assert.Throws<ArgumentException>(() => new KvStateMachine(new KvStateMachineConfig { MaxSessions = 4096 }));
        Assert.True(new KvStateMachineConfig().MaxSnapshotBytes <= Array.MaxLength);
    }
}
