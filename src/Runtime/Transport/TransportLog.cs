using System.Net;
using Microsoft.Extensions.Logging;

namespace Synod.Runtime.Transport;

/// <summary>Log messages of the silo-to-silo transport (event ids 5100–5199).</summary>
internal static partial class TransportLog
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Information, Message = "Silo {Silo} listening for silo connections on {Endpoint}")]
    public static partial void Listening(ILogger logger, SiloId silo, EndPoint endpoint);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Silo {Silo}: connection with silo {Peer} at {Remote} authenticated (this side {Role})")]
    public static partial void Authenticated(ILogger logger, SiloId silo, SiloId peer, EndPoint? remote, HandshakeRole role);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Silo {Silo}: connection with silo {Peer} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, SiloId silo, SiloId peer, string reason);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Information, Message = "Silo {Silo}: peer {Peer} is up")]
    public static partial void PeerUp(ILogger logger, SiloId silo, SiloId peer);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "Silo {Silo}: peer {Peer} is down: nothing heard for {Silence} (timeout {PeerTimeout})")]
    public static partial void PeerDown(ILogger logger, SiloId silo, SiloId peer, TimeSpan silence, TimeSpan peerTimeout);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Warning, Message = "Silo {Silo}: refused the connection with {Remote} (claimed silo {Claimed}): {Reason}")]
    public static partial void Refused(ILogger logger, SiloId silo, EndPoint? remote, SiloId? claimed, string reason);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Warning, Message = "Silo {Silo}: {Remote} (claimed silo {Claimed}) refused the handshake: {Reason}")]
    public static partial void RefusedByPeer(ILogger logger, SiloId silo, EndPoint? remote, SiloId? claimed, string reason);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Warning, Message = "Silo {Silo}: handshake with {Remote} (claimed silo {Claimed}) not finished within {Timeout}; closed")]
    public static partial void HandshakeTimedOut(ILogger logger, SiloId silo, EndPoint? remote, SiloId? claimed, TimeSpan timeout);

    [LoggerMessage(EventId = 5108, Level = LogLevel.Warning, Message = "Silo {Silo}: closed the connection with {Remote} (silo {Peer}): {Reason}")]
    public static partial void MalformedFrame(ILogger logger, SiloId silo, EndPoint? remote, SiloId? peer, string reason);

    [LoggerMessage(EventId = 5109, Level = LogLevel.Debug, Message = "Silo {Silo}: no connection to silo {Peer} at {Endpoint} ({Reason}); next attempt in {Delay}")]
    public static partial void DialFailed(ILogger logger, SiloId silo, SiloId peer, EndPoint endpoint, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 5110, Level = LogLevel.Warning, Message = "Silo {Silo}: send queue to silo {Peer} is full ({Capacity} messages); new messages are dropped until it drains")]
    public static partial void QueueFull(ILogger logger, SiloId silo, SiloId peer, int capacity);

    [LoggerMessage(EventId = 5111, Level = LogLevel.Warning, Message = "Silo {Silo}: refused to send a {Bytes}-byte message to silo {Peer}: frames are limited to {MaxFrameBytes} bytes")]
    public static partial void MessageTooLarge(ILogger logger, SiloId silo, SiloId peer, int bytes, int maxFrameBytes);

    [LoggerMessage(EventId = 5112, Level = LogLevel.Warning, Message = "Silo {Silo}: no silo {Peer} to send to")]
    public static partial void UnknownPeer(ILogger logger, SiloId silo, SiloId peer);

    [LoggerMessage(EventId = 5113, Level = LogLevel.Error, Message = "Silo {Silo}: the message handler failed on a message from silo {Peer}; closing the connection")]
    public static partial void HandlerFailed(ILogger logger, SiloId silo, SiloId peer, Exception error);

    [LoggerMessage(EventId = 5114, Level = LogLevel.Information, Message = "Silo {Silo}: transport stopped")]
    public static partial void Stopped(ILogger logger, SiloId silo);

    [LoggerMessage(EventId = 5115, Level = LogLevel.Debug, Message = "Silo {Silo}: {Remote} (claimed silo {Claimed}) closed the connection during the handshake: {Reason}")]
    public static partial void ConnectionClosedInHandshake(ILogger logger, SiloId silo, EndPoint? remote, SiloId? claimed, string reason);

    [LoggerMessage(EventId = 5116, Level = LogLevel.Information, Message = "Silo {Silo}: silo {Peer} at {Endpoint} joined as a peer")]
    public static partial void PeerAdded(ILogger logger, SiloId silo, SiloId peer, System.Net.IPEndPoint endpoint);
}
