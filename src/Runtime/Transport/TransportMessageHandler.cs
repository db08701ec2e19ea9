namespace Synod.Runtime.Transport;

/// <summary>
/// Receives the messages a peer sent, one at a time and in the order the peer sent them. The
/// transport reads nothing more from that peer until the returned task completes, so a slow
/// handler slows its sender down (the sender's queue then drops and counts) instead of growing a
/// buffer here. A handler that throws is a bug: the transport logs it and closes the connection.
/// </summary>
/// <param name="from">The authenticated sender.</param>
/// <param name="message">The message.</param>
/// <param name="cancellationToken">Cancelled when the connection closes or the transport stops.</param>
public delegate ValueTask TransportMessageHandler(SiloId from, TransportMessage message, CancellationToken cancellationToken);
