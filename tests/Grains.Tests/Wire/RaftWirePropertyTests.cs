using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using Synod.Consensus;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.Wire;

namespace Synod.Grains.Tests.Wire;

public sealed class RaftWirePropertyTests
{
    [Fact]
    public void Every_representable_message_round_trips()
    {
        // Proves, for messages of every kind built from arbitrary seeds, that encode, serialize, parse and decode gives the same message back.
        Prop.ForAll(ArbMap.Default.ArbFor<ulong>(), seed =>
        {
            var messages = new RandomRaftMessages(seed);
            for (var i = 0; i < 20; i++)
            {
                RaftWireRoundTripTests.RoundTrip(messages.Next());
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Decoding_corrupted_envelopes_never_throws()
    {
        // Proves that whatever a corrupted envelope parses into, TryFromWire answers with a message or a reason and never throws.
        Prop.ForAll(ArbMap.Default.ArbFor<ulong>(), seed =>
        {
            var random = new SplitMix64Random(seed);
            var bytes = RaftWire.ToWire("g", new RandomRaftMessages(seed).Next()).ToByteArray();
            for (var flips = random.Next(4); flips >= 0 && bytes.Length > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.NextUInt64();
            }

            var envelope = TryParse(bytes);
            if (envelope is not null)
            {
                var decoded = RaftWire.TryFromWire(envelope, out var message, out var error);
                Assert.Equal(decoded, message is not null);
                Assert.Equal(decoded, error is null);
            }
        }).QuickCheckThrowOnFailure();
    }

    private static RaftEnvelope? TryParse(byte[] bytes)
    {
        try
        {
            return RaftEnvelope.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            // Undecodable bytes are the parser's to reject; this property is about what parses.
            return null;
        }
    }
}
