using Google.Protobuf;
using Synod.Consensus.Pbft;
using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.Wire;

/// <summary>
/// Builds the wire form of the PBFT core's own (trusted) messages. Byte payloads are copied, so a
/// wire message stays valid whatever later happens to the buffers the core's records point into.
/// </summary>
internal static class PbftWireEncoder
{
    public static PbftClientRequest Encode(ClientRequest request) => new()
    {
        Client = request.Client,
        Timestamp = request.Timestamp,
        Operation = ByteString.CopyFrom(request.Operation.Span),
        Authenticator = ByteString.CopyFrom(request.Authenticator.Span),
    };

    public static PbftPrePrepare Encode(PrePrepare m)
    {
        var wire = new PbftPrePrepare
        {
            From = (uint)m.From.Value,
            Signature = ByteString.CopyFrom(m.Signature.Span),
            View = m.View.Value,
            Sequence = m.Sequence.Value,
            Digest = Encode(m.Digest),
        };
        wire.Batch.Add(m.Batch.Select(Encode));
        return wire;
    }

    public static PbftPrepare Encode(Prepare m) => new()
    {
        From = (uint)m.From.Value,
        Signature = ByteString.CopyFrom(m.Signature.Span),
        View = m.View.Value,
        Sequence = m.Sequence.Value,
        Digest = Encode(m.Digest),
    };

    public static PbftCommit Encode(Commit m) => new()
    {
        From = (uint)m.From.Value,
        Signature = ByteString.CopyFrom(m.Signature.Span),
        View = m.View.Value,
        Sequence = m.Sequence.Value,
        Digest = Encode(m.Digest),
    };

    public static PbftCheckpoint Encode(Checkpoint m) => new()
    {
        From = (uint)m.From.Value,
        Signature = ByteString.CopyFrom(m.Signature.Span),
        Sequence = m.Sequence.Value,
        StateDigest = Encode(m.StateDigest),
    };

    public static PbftPreparedCertificate Encode(PreparedCertificate certificate)
    {
        var wire = new PbftPreparedCertificate { PrePrepare = Encode(certificate.PrePrepare) };
        wire.Prepares.Add(certificate.Prepares.Select(Encode));
        return wire;
    }

    public static PbftViewChange Encode(ViewChange m)
    {
        var wire = new PbftViewChange
        {
            From = (uint)m.From.Value,
            Signature = ByteString.CopyFrom(m.Signature.Span),
            NewView = m.NewView.Value,
            StableCheckpoint = m.StableCheckpoint.Value,
            StableDigest = Encode(m.StableDigest),
        };
        wire.CheckpointProof.Add(m.CheckpointProof.Select(Encode));
        wire.Prepared.Add(m.Prepared.Select(Encode));
        return wire;
    }

    public static PbftNewView Encode(NewView m)
    {
        var wire = new PbftNewView
        {
            From = (uint)m.From.Value,
            Signature = ByteString.CopyFrom(m.Signature.Span),
            View = m.View.Value,
        };
        wire.ViewChanges.Add(m.ViewChanges.Select(Encode));
        wire.PrePrepares.Add(m.PrePrepares.Select(Encode));
        return wire;
    }

    public static PbftForwardedRequest Encode(ForwardedRequest m) => new()
    {
        From = (uint)m.From.Value,
        Signature = ByteString.CopyFrom(m.Signature.Span),
        Request = Encode(m.Request),
    };

    public static ByteString Encode(Digest digest)
    {
        var bytes = new byte[32];
        digest.WriteTo(bytes);
        return ByteString.CopyFrom(bytes);
    }
}
