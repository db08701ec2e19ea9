using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Synod.Runtime.Transport;

/// <summary>
/// Keeps a connection to one peer that this silo dials (the peer has the higher id): connect,
/// handshake, run until the connection closes, wait with back-off and jitter, and again, until
/// the transport stops.
/// </summary>
internal sealed class PeerDialer
{
    private readonly PeerLink _link;
    private readonly TransportContext _context;
    private readonly Handshake _handshake;
    private readonly SocketConnectionContextFactory _connections;
    private readonly ReconnectBackoff _backoff;

    public PeerDialer(PeerLink link, TransportContext context, Handshake handshake, SocketConnectionContextFactory connections)
    {
        _link = link;
        _context = context;
        _handshake = handshake;
        _connections = connections;
        _backoff = new ReconnectBackoff(context.Options.ReconnectBaseDelay, context.Options.ReconnectMaxDelay);
    }

    public async Task RunAsync()
    {
        CancellationToken stopping = _context.Stopping;
        while (!stopping.IsCancellationRequested)
        {
            (bool established, string reason) = await DialOnceAsync().ConfigureAwait(false);
            if (established)
            {
                _backoff.Reset();
            }

            TimeSpan delay = _backoff.Next(Random.Shared.NextDouble());
            TransportLog.DialFailed(_context.Logger, _context.Self, _link.Peer, _link.Endpoint, reason, delay);
            try
            {
                await Task.Delay(delay, _context.Time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Safe: the transport is stopping; nothing more to dial.
                return;
            }
        }
    }

    private async Task<(bool Established, string Reason)> DialOnceAsync()
    {
        using var socket = new Socket(_link.Endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        ConnectionContext? connection = null;
        using (HandshakeDeadline deadline = _context.NewHandshakeDeadline(CancellationToken.None))
        {
            try
            {
                await socket.ConnectAsync(_link.Endpoint, deadline.Token).ConfigureAwait(false);
                connection = _connections.Create(socket);
                HandshakeOutcome outcome = await _handshake.DialAsync(connection.Transport, _link.Peer, deadline.Token).ConfigureAwait(false);
                if (!outcome.Authenticated)
                {
                    _context.ReportHandshakeFailure(outcome, _link.Endpoint);
                    await connection.DisposeAsync().ConfigureAwait(false);
                    return (false, outcome.Reason);
                }
            }
            catch (SocketException error)
            {
                // Safe: the peer is not there (refused, unreachable); try again after the back-off.
                await DisposeAsync(connection).ConfigureAwait(false);
                return (false, error.SocketErrorCode.ToString());
            }
            catch (IOException error)
            {
                // Safe: the connection broke during the handshake; try again after the back-off.
                await DisposeAsync(connection).ConfigureAwait(false);
                return (false, error.Message);
            }
            catch (ConnectionAbortedException error)
            {
                // Safe: the socket layer aborted the connection; try again after the back-off.
                await DisposeAsync(connection).ConfigureAwait(false);
                return (false, error.Message);
            }
            catch (OperationCanceledException) when (deadline.TimedOut && !_context.Stopping.IsCancellationRequested)
            {
                // Safe: the peer did not answer in time; counted, and tried again after the back-off.
                await DisposeAsync(connection).ConfigureAwait(false);
                if (connection is null)
                {
                    return (false, "connect timed out");
                }

                _context.ReportHandshakeTimeout(_link.Endpoint, _link.Peer);
                return (false, "handshake timed out");
            }
            catch (OperationCanceledException) when (_context.Stopping.IsCancellationRequested)
            {
                // Safe: the transport is stopping.
                await DisposeAsync(connection).ConfigureAwait(false);
                return (false, "the transport is stopping");
            }
        }

        await using (connection.ConfigureAwait(false))
        {
            TransportLog.Authenticated(_context.Logger, _context.Self, _link.Peer, connection.RemoteEndPoint, HandshakeRole.Dialer);
            using var peerConnection = new PeerConnection(connection, _link, _context);
            string reason = await _link.RunAsync(peerConnection).ConfigureAwait(false);
            TransportLog.ConnectionClosed(_context.Logger, _context.Self, _link.Peer, reason);
            return (true, reason);
        }
    }

    private static ValueTask DisposeAsync(ConnectionContext? connection) =>
        connection?.DisposeAsync() ?? ValueTask.CompletedTask;
}
