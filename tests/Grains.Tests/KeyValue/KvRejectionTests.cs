using Google.Protobuf;
using Synod.Consensus.Raft;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.KeyValue;
using KvResult = Synod.Grains.KeyValue.KvResult;

namespace Synod.Grains.Tests.KeyValue;

public sealed class KvRejectionTests
{
    private static readonly KvStateMachineConfig Config = new() { MaxKeyBytes = 8, MaxValueBytes = 16, MaxClientIdBytes = 8 };

    private static readonly KvRequestId Request = KvCommands.Request(KvHarness.Bytes("c"), 1);

    public static TheoryData<string, byte[], KvRejectReason> BadCommands()
    {
        var ok = KvHarness.Bytes("ok");
        return new()
        {
            { "key too long", KvCommands.Put(Request, Bytes(new string('k', 9)), ok), KvRejectReason.KeyTooLong },
            { "empty key", KvCommands.Delete(Request, ByteString.Empty), KvRejectReason.KeyEmpty },
            { "value too long", KvCommands.Put(Request, ok, Bytes(new string('v', 17))), KvRejectReason.ValueTooLong },
            { "expected value too long", KvCommands.CompareAndSet(Request, ok, Bytes(new string('v', 17)), ok), KvRejectReason.ValueTooLong },
            { "new value too long", KvCommands.CompareAndSet(Request, ok, null, Bytes(new string('v', 17))), KvRejectReason.ValueTooLong },
            { "empty client id", KvCommands.Put(KvCommands.Request(ByteString.Empty, 1), ok, ok), KvRejectReason.ClientIdEmpty },
            { "client id too long", KvCommands.RegisterClient(Bytes("123456789")), KvRejectReason.ClientIdTooLong },
            { "sequence zero", KvCommands.Put(KvCommands.Request(Bytes("c"), 0), ok, ok), KvRejectReason.SequenceZero },
            { "no request id", new KvCommand { Put = new KvPut { Key = ok, Value = ok } }.ToByteArray(), KvRejectReason.MissingRequestId },
            { "no expectation", new KvCommand { CompareAndSet = new KvCompareAndSet { Request = Request, Key = ok, NewValue = ok } }.ToByteArray(), KvRejectReason.MissingExpectation },
            { "no replacement", new KvCommand { CompareAndSet = new KvCompareAndSet { Request = Request, Key = ok, ExpectedValue = ok } }.ToByteArray(), KvRejectReason.MissingReplacement },
            { "no operation", [], KvRejectReason.UnknownOperation },
            { "truncated varint", [0xFF], KvRejectReason.Undecodable },
            { "length past the end", [0x12, 0x7F, 0x01], KvRejectReason.Undecodable },
            { "text", "PUT a 1"u8.ToArray(), KvRejectReason.Undecodable },
            { "larger than any valid command", new byte[Config.MaxCommandBytes + 1], KvRejectReason.CommandTooLarge },
        };
    }

    [Theory]
    [MemberData(nameof(BadCommands))]
    public void A_bad_committed_command_is_rejected_and_changes_nothing(string what, byte[] command, KvRejectReason reason)
    {
        // Proves each kind of bad entry gets Rejected with its reason and leaves the state as an empty entry would.
        var kv = Seeded();
        var twin = Seeded();

        var result = kv.Apply(command);
        twin.Skip();

        Assert.True(result == KvResult.Rejected(reason), what + ": " + result);
        KvHarness.AssertSameState(twin.Machine, kv.Machine);
        Assert.Equal(result, kv.Apply(command));
    }

    [Fact]
    public void A_bad_command_does_not_consume_the_sessions_sequence_number()
    {
        // Proves a rejected request leaves the session as it was, so the same sequence can carry a valid request.
        var kv = Seeded();

        Assert.Equal(KvRejectReason.ValueTooLong, kv.Put("c", 2, "a", new string('v', 17)).RejectReason);
        Assert.Equal(KvResult.Ok(), kv.Put("c", 2, "a", "fits"));
        Assert.Equal("fits", kv.ValueOf("a"));
    }

    [Fact]
    public void Random_bytes_never_make_apply_throw()
    {
        // Proves arbitrary committed bytes are answered with a result, never an exception, and identically on two replicas.
        var random = new Random(20240601);
        var first = Seeded();
        var second = Seeded();
        for (var i = 0; i < 2000; i++)
        {
            var command = new byte[random.Next(0, 64)];
            random.NextBytes(command);
            Assert.Equal(first.Apply(command), second.Apply(command));
        }

        KvHarness.AssertSameState(first.Machine, second.Machine);
    }

    [Fact]
    public void A_read_of_an_impossible_key_is_rejected()
    {
        // Proves Get applies the same key limits as writes.
        var kv = Seeded();

        Assert.Equal(KvResult.Rejected(KvRejectReason.KeyEmpty), kv.Machine.Get(ReadOnlySpan<byte>.Empty));
        Assert.Equal(KvResult.Rejected(KvRejectReason.KeyTooLong), kv.Get("123456789"));
    }

    private static KvHarness Seeded()
    {
        var kv = new KvHarness(Config);
        kv.Register("c");
        kv.Put("c", 1, "a", "1");
        return kv;
    }

    private static ByteString Bytes(string text) => KvHarness.Bytes(text);
}
