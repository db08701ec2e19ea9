namespace Synod.Runtime.Transport;

/// <summary>A snapshot of a transport's counters, for the status API, the dashboard and tests.</summary>
/// <param name="MessagesSent">Messages written to a connection.</param>
/// <param name="MessagesReceived">Messages handed to the message handler.</param>
/// <param name="FramesSent">Frames written after the handshake (messages and heartbeats).</param>
/// <param name="FramesReceived">Frames read after the handshake (messages and heartbeats).</param>
/// <param name="BytesSent">Bytes of those frames, length prefixes included.</param>
/// <param name="BytesReceived">Bytes of those frames, length prefixes included.</param>
/// <param name="Flushes">Network writes; <c>FramesSent / Flushes</c> is the batching factor.</param>
/// <param name="MessagesDropped">Messages refused by <see cref="SiloTransport.TrySend"/>: queue full, unknown peer or too large.</param>
/// <param name="AuthenticationFailures">Handshakes refused by this side or by the peer, or not finished in time.</param>
/// <param name="MalformedFrames">Connections closed for an oversized, unparsable or out-of-place frame.</param>
/// <param name="Reconnects">Connections authenticated with a peer that had been connected before.</param>
public readonly record struct TransportStatistics(
    long MessagesSent,
    long MessagesReceived,
    long FramesSent,
    long FramesReceived,
    long BytesSent,
    long BytesReceived,
    long Flushes,
    long MessagesDropped,
    long AuthenticationFailures,
    long MalformedFrames,
    long Reconnects);
