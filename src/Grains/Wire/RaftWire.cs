using Synod.Consensus.Raft;
using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.Wire;

/// <summary>
/// Maps the Raft core's peer messages to and from <see cref="RaftEnvelope"/> (raft.proto), so that
/// replica grains on different silos can exchange them. Encoding takes the core's own, trusted
/// messages; decoding takes a peer's and never throws (STYLE §5). Decoding rejects only what the
/// core's types cannot hold (a missing body or field, an unknown entry kind, replica id 0, a negative
/// byte count, membership ids that would break <see cref="Membership"/>'s invariants); protocol
/// checks such as term order or snapshot size limits stay with RaftMessageValidator in the core.
/// </summary>
public static class RaftWire
{
    /// <summary>
    /// Wraps <paramref name="message"/> for <paramref name="group"/>. Byte payloads are copied, so the
    /// envelope stays valid whatever later happens to the buffers the message points into.
    /// </summary>
    /// <exception cref="ArgumentException">The group is empty, or the message is not one the wire knows
    /// or is not well formed (default entries, missing snapshot metadata): a bug in the sender.</exception>
    public static RaftEnvelope ToWire(string group, RaftMessage message)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentNullException.ThrowIfNull(message);
        var envelope = new RaftEnvelope
        {
            Group = group,
            From = message.From.Value,
            To = message.To.Value,
            Term = message.Term.Value,
        };
        switch (message)
        {
            case RequestVote m: envelope.RequestVote = RaftWireEncoder.Encode(m); break;
            case VoteResponse m: envelope.VoteResponse = RaftWireEncoder.Encode(m); break;
            case AppendEntries m: envelope.AppendEntries = RaftWireEncoder.Encode(m); break;
            case AppendEntriesResponse m: envelope.AppendEntriesResponse = RaftWireEncoder.Encode(m); break;
            case Heartbeat m: envelope.Heartbeat = RaftWireEncoder.Encode(m); break;
            case HeartbeatResponse m: envelope.HeartbeatResponse = RaftWireEncoder.Encode(m); break;
            case InstallSnapshot m: envelope.InstallSnapshot = RaftWireEncoder.Encode(m); break;
            case InstallSnapshotResponse m: envelope.InstallSnapshotResponse = RaftWireEncoder.Encode(m); break;
            case TimeoutNow: envelope.TimeoutNow = new RaftTimeoutNow(); break;
            default: throw new ArgumentException($"no wire mapping for {message.GetType().Name}", nameof(message));
        }

        return envelope;
    }

    /// <summary>
    /// Unwraps a peer's envelope. Returns false with <paramref name="error"/> saying why when the
    /// envelope cannot be represented as a core message; the caller drops it, logs the reason and
    /// counts it. The group id is not compared with anything here: the receiver checks
    /// <see cref="RaftEnvelope.Group"/> against its own group.
    /// </summary>
    public static bool TryFromWire(RaftEnvelope envelope, out RaftMessage? message, out string? error)
    {
        message = null;
        if (envelope is null)
        {
            error = "envelope missing";
            return false;
        }

        error = TryDecodeHeader(envelope, out var header) ?? TryDecodeBody(envelope, header, out message);
        if (error is not null)
        {
            message = null;
            return false;
        }

        return true;
    }

    private static string? TryDecodeHeader(RaftEnvelope envelope, out WireHeader header)
    {
        header = new WireHeader(new ReplicaId(envelope.From), new ReplicaId(envelope.To), new Term(envelope.Term));
        if (envelope.Group.Length == 0)
        {
            return "group id missing";
        }

        // Replica id 0 means "none" in the core; no replica sends from it or can be addressed by it.
        if (header.From.IsNone)
        {
            return "sender is replica 0, which is reserved";
        }

        return header.To.IsNone ? "receiver is replica 0, which is reserved" : null;
    }

    private static string? TryDecodeBody(RaftEnvelope envelope, WireHeader header, out RaftMessage? message)
    {
        message = null;
        switch (envelope.MessageCase)
        {
            case RaftEnvelope.MessageOneofCase.RequestVote: message = RaftWireDecoder.Decode(envelope.RequestVote, header); return null;
            case RaftEnvelope.MessageOneofCase.VoteResponse: message = RaftWireDecoder.Decode(envelope.VoteResponse, header); return null;
            case RaftEnvelope.MessageOneofCase.AppendEntries: return RaftWireDecoder.TryDecode(envelope.AppendEntries, header, out message);
            case RaftEnvelope.MessageOneofCase.AppendEntriesResponse: message = RaftWireDecoder.Decode(envelope.AppendEntriesResponse, header); return null;
            case RaftEnvelope.MessageOneofCase.Heartbeat: message = RaftWireDecoder.Decode(envelope.Heartbeat, header); return null;
            case RaftEnvelope.MessageOneofCase.HeartbeatResponse: message = RaftWireDecoder.Decode(envelope.HeartbeatResponse, header); return null;
            case RaftEnvelope.MessageOneofCase.InstallSnapshot: return RaftWireDecoder.TryDecode(envelope.InstallSnapshot, header, out message);
            case RaftEnvelope.MessageOneofCase.InstallSnapshotResponse: return RaftWireDecoder.TryDecode(envelope.InstallSnapshotResponse, header, out message);
            case RaftEnvelope.MessageOneofCase.TimeoutNow: message = new TimeoutNow(header.From, header.To, header.Term); return null;
            // A body this build does not know is parsed into unknown fields, which leaves the case None.
            case RaftEnvelope.MessageOneofCase.None: return "envelope carries no message (missing or of an unknown kind)";
            default: return $"no mapping for message case {envelope.MessageCase}";
        }
    }
}
