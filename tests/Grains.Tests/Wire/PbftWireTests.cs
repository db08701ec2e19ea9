using Google.Protobuf;
using Synod.Consensus.Pbft;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.Wire;

namespace Synod.Grains.Tests.Wire;

public sealed class PbftWireTests
{
    private const string Group = "pbft-0";

    public static TheoryData<string> Kinds() => [.. PbftSamples.All().Select((m, i) => $"{i}:{m.GetType().Name}")];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_message_kind_survives_the_wire_with_its_signed_bytes_and_signature(string kind)
    {
        // Proves each PBFT message kind, once serialized to bytes and parsed back, decodes to a message with the same signed content, signature and (for batches) batch digest.
        PbftMessage original = PbftSamples.All().ElementAt(int.Parse(kind.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture));
        byte[] bytes = PbftWire.ToWire(Group, original).ToByteArray();

        Assert.True(PbftWire.TryFromWire(PbftEnvelope.Parser.ParseFrom(bytes), out PbftMessage? decoded, out string? error), error);

        Assert.Equal(original.GetType(), decoded!.GetType());
        Assert.Equal(original.From, decoded.From);
        Assert.Equal(PbftEncoding.SigningBytes(original), PbftEncoding.SigningBytes(decoded));
        Assert.Equal(original.Signature.ToArray(), decoded.Signature.ToArray());
        Assert.Equal(PbftWire.ToWire(Group, original), PbftWire.ToWire(Group, decoded));
        if (original is PrePrepare pp)
        {
            Assert.Equal(PbftEncoding.BatchDigest(pp.Batch), PbftEncoding.BatchDigest(((PrePrepare)decoded).Batch));
        }
    }

    [Fact]
    public void A_durable_state_survives_encoding_with_every_slot_and_certificate()
    {
        // Proves the replica's durable state reads back as written: view, checkpoint and proof, each slot's own messages, certificate and decided batch, and the view-change messages.
        PbftDurableState state = PbftSamples.DurableState();

        Assert.True(PbftDurableWire.TryDecode(PbftDurableWire.Encode(state), out PbftDurableState? decoded, out string? error), error);

        Assert.Equal(PbftDurableWire.Encode(state), PbftDurableWire.Encode(decoded!));
        Assert.Equal(state.View, decoded!.View);
        Assert.True(decoded.ViewChanging);
        Assert.Equal(state.StableCheckpoint, decoded.StableCheckpoint);
        Assert.Equal(2, decoded.Slots.Length);
        Assert.Equal(PbftSamples.DigestOf("batch17"), decoded.Slots[0].CommittedDigest);
        Assert.Equal(PbftEncoding.BatchDigest(state.Slots[0].CommittedBatch), PbftEncoding.BatchDigest(decoded.Slots[0].CommittedBatch));
        Assert.Null(decoded.Slots[1].CommittedDigest);
        Assert.True(decoded.Slots[1].CommittedBatch.IsDefault);
        Assert.Null(decoded.Slots[1].OwnPrepare);
        Assert.Equal(PbftEncoding.SigningBytes(state.LastNewView!), PbftEncoding.SigningBytes(decoded.LastNewView!));
    }

    [Fact]
    public void Bytes_that_are_not_a_durable_state_are_refused_with_a_reason()
    {
        // Proves damaged stored bytes give a reason instead of an exception.
        Assert.False(PbftDurableWire.TryDecode([0xFF, 0xFF, 0xFF], out PbftDurableState? state, out string? error));
        Assert.Null(state);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Envelope_without_a_body_is_rejected()
    {
        // Proves an envelope whose oneof is unset is refused with a reason rather than decoded or thrown on.
        AssertRejected(new PbftEnvelope { Group = Group }, "no message");
    }

    [Fact]
    public void Envelope_with_a_body_of_an_unknown_kind_is_rejected()
    {
        // Proves a body from a newer schema (a oneof field this build lacks) parses but is refused, not misread.
        byte[] known = new PbftEnvelope { Group = Group }.ToByteArray();
        using var extra = new MemoryStream();
        var output = new CodedOutputStream(extra);
        output.WriteTag(99, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(8, 1));
        output.Flush();

        AssertRejected(PbftEnvelope.Parser.ParseFrom([.. known, .. extra.ToArray()]), "no message");
    }

    [Fact]
    public void Envelope_without_a_group_is_rejected()
    {
        // Proves a message that names no group is refused before its body is looked at.
        PbftEnvelope envelope = PbftWire.ToWire(Group, PbftSamples.Prepare(1, 5));
        envelope.Group = string.Empty;
        AssertRejected(envelope, "group");
    }

    [Fact]
    public void Null_envelope_is_rejected()
    {
        // Proves decoding never throws, even on a null envelope.
        AssertRejected(null!, "missing");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void A_digest_that_is_not_32_bytes_is_rejected(int length)
    {
        // Proves a digest of the wrong length cannot be read as a SHA-256 digest (it would be padded or cut otherwise).
        PbftEnvelope envelope = PbftWire.ToWire(Group, PbftSamples.Commit(2, 5));
        envelope.Commit.Digest = ByteString.CopyFrom(new byte[length]);
        AssertRejected(envelope, "digest");
    }

    [Fact]
    public void A_replica_index_beyond_int32_is_rejected()
    {
        // Proves an index the core's ReplicaIndex cannot hold is refused rather than wrapped to a negative index.
        PbftEnvelope envelope = PbftWire.ToWire(Group, PbftSamples.Prepare(1, 5));
        envelope.Prepare.From = uint.MaxValue;
        AssertRejected(envelope, "out of range");
    }

    [Fact]
    public void A_certificate_without_its_pre_prepare_is_rejected()
    {
        // Proves a nested part that must be present (a certificate's pre-prepare, deep inside a new view) is checked, not dereferenced.
        PbftEnvelope envelope = PbftWire.ToWire(Group, PbftSamples.NewView());
        envelope.NewView.ViewChanges[1].Prepared[0].PrePrepare = null;
        AssertRejected(envelope, "pre-prepare missing");
    }

    [Fact]
    public void A_forwarded_request_without_its_request_is_rejected()
    {
        // Proves a forwarded request that carries no client request is refused.
        PbftEnvelope envelope = PbftWire.ToWire(Group, PbftSamples.Forwarded());
        envelope.ForwardedRequest.Request = null;
        AssertRejected(envelope, "client request missing");
    }

    [Fact]
    public void Random_bytes_never_make_the_decoder_throw()
    {
        // Proves that whatever a peer's bytes parse into, decoding returns a verdict and never throws.
        var random = new Random(1234);
        int parsed = 0;
        byte[] valid = PbftWire.ToWire(Group, PbftSamples.NewView()).ToByteArray();
        for (int i = 0; i < 2000; i++)
        {
            byte[] bytes = (byte[])valid.Clone();
            for (int flips = 0; flips < 4; flips++)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            PbftEnvelope envelope;
            try
            {
                envelope = PbftEnvelope.Parser.ParseFrom(bytes);
            }
            catch (InvalidProtocolBufferException)
            {
                // The transport drops bytes that are not protobuf before a grain sees them.
                continue;
            }

            parsed++;
            bool ok = PbftWire.TryFromWire(envelope, out PbftMessage? message, out string? error);
            Assert.True(ok ? message is not null && error is null : message is null && error is not null);
        }

        Assert.True(parsed > 0);
    }

    private static void AssertRejected(PbftEnvelope envelope, string reason)
    {
        Assert.False(PbftWire.TryFromWire(envelope, out PbftMessage? message, out string? error));
        Assert.Null(message);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
