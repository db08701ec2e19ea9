using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;

namespace Synod.Runtime.Transport;

/// <summary>
/// One authenticated connection with a peer: a read loop that hands messages to the handler in
/// order, and a write loop that drains the peer's send queue, many frames per flush. Whichever
/// loop ends first ends the other.
/// </summary>
internal sealed class PeerConnection : IDisposable
{
    // A flush carries at most this many bytes of frames (plus one frame), so one busy peer cannot
    // fill a connection's output buffer without bound; the pipe's own threshold then applies.
    private const int MaxBytesPerFlush = 1024 * 1024;

    private static readonly Frame HeartbeatFrame = new() { Heartbeat = new Heartbeat() };

    private readonly ConnectionContext _connection;
    private readonly PeerLink _link;
    private readonly TransportContext _context;
    private readonly CancellationTokenSource _abort = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _abortReason;

    public PeerConnection(ConnectionContext connection, PeerLink link, TransportContext context)
    {
        _connection = connection;
        _link = link;
        _context = context;
    }

    /// <summary>Completes when this connection no longer reads, writes or delivers.</summary>
    public Task Completion => _completion.Task;

    public void Abort(string reason)
    {
        Interlocked.CompareExchange(ref _abortReason, reason, null);
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Safe: the connection already finished, so there is nothing left to abort.
        }
    }

    public void Finish()
    {
        _completion.TrySetResult();
        _abort.Dispose();
    }

    public void Dispose() => Finish();

    /// <summary>Runs both loops until one ends; returns why the connection closed.</summary>
    public async Task<string> RunAsync()
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_context.Stopping, _abort.Token);
        Task<string> reading = ReadLoopAsync(linked.Token);
        Task<string> writing = WriteLoopAsync(linked.Token);
        Task<string> first = await Task.WhenAny(reading, writing).ConfigureAwait(false);
        await linked.CancelAsync().ConfigureAwait(false);
        string[] reasons = await Task.WhenAll(reading, writing).ConfigureAwait(false);
        string? aborted = Volatile.Read(ref _abortReason);
        if (aborted is not null)
        {
            // Closed on purpose (peer timeout, replaced): do not wait for buffered output to drain
            // to a peer that may never read it.
            _connection.Abort(new ConnectionAbortedException(aborted));
            return aborted;
        }

        if (_context.Stopping.IsCancellationRequested)
        {
            return "the transport is stopping";
        }

        return ReferenceEquals(first, reading) ? reasons[0] : reasons[1];
    }

    private async Task<string> ReadLoopAsync(CancellationToken cancellationToken)
    {
        PipeReader input = _connection.Transport.Input;
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                while (true)
                {
                    FrameReadStatus status = FrameCodec.TryRead(ref buffer, _context.Options.MaxFrameBytes, out Frame? frame, out int wireBytes);
                    if (status == FrameReadStatus.Incomplete)
                    {
                        break;
                    }

                    string? problem = status switch
                    {
                        FrameReadStatus.Oversized => $"it announced a frame over MaxFrameBytes ({_context.Options.MaxFrameBytes} bytes)",
                        FrameReadStatus.Malformed => "it sent a frame that does not parse",
                        _ => frame!.BodyCase is Frame.BodyOneofCase.Heartbeat or Frame.BodyOneofCase.Message
                            ? null
                            : $"it sent a {frame.BodyCase} frame after the handshake",
                    };
                    if (problem is not null)
                    {
                        input.AdvanceTo(buffer.Start);
                        return Malformed(problem);
                    }

                    _link.Heard();
                    _context.Metrics.FrameReceived(wireBytes, frame!.BodyCase == Frame.BodyOneofCase.Message);
                    if (frame.BodyCase == Frame.BodyOneofCase.Message)
                    {
                        string? failure = await DeliverAsync(frame.Message, cancellationToken).ConfigureAwait(false);
                        if (failure is not null)
                        {
                            input.AdvanceTo(buffer.Start);
                            return failure;
                        }
                    }
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return buffer.IsEmpty ? "closed by the peer" : "closed by the peer in the middle of a frame";
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Safe: the other loop ended, the connection was aborted, or the transport is stopping.
            return "cancelled";
        }
        catch (IOException error)
        {
            // Safe: the network failed under this connection (reset); the dialer reconnects.
            return error.Message;
        }
        catch (ConnectionAbortedException error)
        {
            // Safe: the socket layer aborted the connection (server shutdown); the dialer reconnects.
            return error.Message;
        }
    }

    private async ValueTask<string?> DeliverAsync(TransportMessage message, CancellationToken cancellationToken)
    {
        _link.BeginDelivery();
        try
        {
            await _context.Handler(_link.Peer, message, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The handler is this silo's runtime, not the peer: whatever it throws is a bug there.
            // Closing this connection (the peer reconnects) surfaces it without stopping the silo.
            TransportLog.HandlerFailed(_context.Logger, _context.Self, _link.Peer, error);
            return "the message handler failed";
        }
        finally
        {
            _link.EndDelivery();
        }
    }

    private async Task<string> WriteLoopAsync(CancellationToken cancellationToken)
    {
        PipeWriter output = _connection.Transport.Output;
        ChannelReader<TransportMessage> queue = _link.Outbound;
        try
        {
            // A heartbeat first, so the peer hears from this side as soon as the handshake is over.
            bool heartbeat = true;
            while (true)
            {
                int frames = 0;
                int messages = 0;
                long bytes = 0;
                if (heartbeat || _link.TakeHeartbeatDue())
                {
                    bytes += FrameCodec.Write(output, HeartbeatFrame);
                    frames++;
                    heartbeat = false;
                }

                while (bytes < MaxBytesPerFlush && queue.TryRead(out TransportMessage? message))
                {
                    if (PeerLink.IsHeartbeatSignal(message))
                    {
                        continue;
                    }

                    bytes += FrameCodec.Write(output, new Frame { Message = message });
                    frames++;
                    messages++;
                }

                if (frames > 0)
                {
                    FlushResult flushed = await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    _context.Metrics.Flushed(messages, frames, bytes);
                    if (flushed.IsCompleted)
                    {
                        return "closed by the peer";
                    }
                }

                if (!queue.TryPeek(out _) && !await queue.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return "the send queue was closed";
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Safe: the other loop ended, the connection was aborted, or the transport is stopping.
            // Messages taken from the queue but not flushed are lost: delivery is at most once.
            return "cancelled";
        }
        catch (IOException error)
        {
            // Safe: the network failed under this connection; the dialer reconnects.
            return error.Message;
        }
        catch (ConnectionAbortedException error)
        {
            // Safe: the socket layer aborted the connection (server shutdown); the dialer reconnects.
            return error.Message;
        }
    }

    private string Malformed(string problem)
    {
        _context.Metrics.MalformedFrame();
        TransportLog.MalformedFrame(_context.Logger, _context.Self, _connection.RemoteEndPoint, _link.Peer, problem);
        return problem;
    }
}
