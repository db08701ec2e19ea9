using Synod.Consensus.Pbft;
using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.Wire;

/// <summary>
/// Maps the PBFT core's peer messages to and from <see cref="PbftEnvelope"/> (pbft.proto), so that
/// replica grains on different silos can exchange them. Encoding takes the core's own, trusted
/// messages; decoding takes a peer's and never throws (STYLE §5): it rejects only what the core's
/// types cannot hold (a missing body or part, a digest that is not 32 bytes, a replica index beyond
/// int32). Signatures, views, watermarks and array bounds are the core's to check.
/// </summary>
public static class PbftWire
{
    /// <summary>Wraps <paramref name="message"/> for <paramref name="group"/>.</summary>
    /// <exception cref="ArgumentException">The group is empty or the message is not one the wire knows: a bug in the sender.</exception>
    public static PbftEnvelope ToWire(string group, PbftMessage message)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentNullException.ThrowIfNull(message);
        var envelope = new PbftEnvelope { Group = group };
        switch (message)
        {
            case PrePrepare m: envelope.PrePrepare = PbftWireEncoder.Encode(m); break;
            case Prepare m: envelope.Prepare = PbftWireEncoder.Encode(m); break;
            case Commit m: envelope.Commit = PbftWireEncoder.Encode(m); break;
            case Checkpoint m: envelope.Checkpoint = PbftWireEncoder.Encode(m); break;
            case ViewChange m: envelope.ViewChange = PbftWireEncoder.Encode(m); break;
            case NewView m: envelope.NewView = PbftWireEncoder.Encode(m); break;
            case ForwardedRequest m: envelope.ForwardedRequest = PbftWireEncoder.Encode(m); break;
            default: throw new ArgumentException($"no wire mapping for {message.GetType().Name}", nameof(message));
        }

        return envelope;
    }

    /// <summary>
    /// Unwraps a peer's envelope. Returns false with <paramref name="error"/> saying why when the
    /// envelope cannot be represented as a core message; the caller drops it, logs the reason and
    /// counts it. The group is not compared with anything here: the receiver checks it.
    /// </summary>
    public static bool TryFromWire(PbftEnvelope envelope, out PbftMessage? message, out string? error)
    {
        message = null;
        if (envelope is null)
        {
            error = "envelope missing";
            return false;
        }

        error = envelope.Group.Length == 0 ? "group id missing" : TryDecodeBody(envelope, out message);
        if (error is not null)
        {
            message = null;
            return false;
        }

        return true;
    }

    /// <summary>The wire form of a client request (the client library builds these).</summary>
    public static PbftClientRequest ToWire(ClientRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return PbftWireEncoder.Encode(request);
    }

    /// <summary>A client's request from the wire; false with the reason when a part is missing.</summary>
    public static bool TryFromWire(PbftClientRequest? wire, out ClientRequest? request, out string? error)
    {
        error = PbftWireDecoder.TryDecode(wire, out request);
        return error is null;
    }

    private static string? TryDecodeBody(PbftEnvelope envelope, out PbftMessage? message)
    {
        message = null;
        string? error;
        switch (envelope.MessageCase)
        {
            case PbftEnvelope.MessageOneofCase.PrePrepare: error = PbftWireDecoder.TryDecode(envelope.PrePrepare, out PrePrepare? a); message = a; return error;
            case PbftEnvelope.MessageOneofCase.Prepare: error = PbftWireDecoder.TryDecode(envelope.Prepare, out Prepare? b); message = b; return error;
            case PbftEnvelope.MessageOneofCase.Commit: error = PbftWireDecoder.TryDecode(envelope.Commit, out Commit? c); message = c; return error;
            case PbftEnvelope.MessageOneofCase.Checkpoint: error = PbftWireDecoder.TryDecode(envelope.Checkpoint, out Checkpoint? d); message = d; return error;
            case PbftEnvelope.MessageOneofCase.ViewChange: error = PbftWireDecoder.TryDecode(envelope.ViewChange, out ViewChange? e); message = e; return error;
            case PbftEnvelope.MessageOneofCase.NewView: error = PbftWireDecoder.TryDecode(envelope.NewView, out NewView? f); message = f; return error;
            case PbftEnvelope.MessageOneofCase.ForwardedRequest: error = PbftWireDecoder.TryDecode(envelope.ForwardedRequest, out ForwardedRequest? g); message = g; return error;
            // A body this build does not know is parsed into unknown fields, which leaves the case None.
            case PbftEnvelope.MessageOneofCase.None: return "envelope carries no message (missing or of an unknown kind)";
            default: return $"no mapping for message case {envelope.MessageCase}";
        }
    }
}
