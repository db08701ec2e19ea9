using System.Diagnostics.Metrics;

namespace Synod.Runtime.Transport;

/// <summary>
/// The transport's instruments on the <c>Synod</c> meter, tagged with the silo, and the same
/// counts as plain fields for <see cref="SiloTransport.Statistics"/>.
/// </summary>
internal sealed class TransportMetrics : IDisposable
{
    public const string MeterName = "Synod";

    private readonly Meter? _ownedMeter;
    private readonly KeyValuePair<string, object?> _silo;
    private readonly Counter<long> _messagesSent;
    private readonly Counter<long> _messagesReceived;
    private readonly Counter<long> _framesSent;
    private readonly Counter<long> _framesReceived;
    private readonly Counter<long> _bytesSent;
    private readonly Counter<long> _bytesReceived;
    private readonly Counter<long> _flushes;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _authenticationFailures;
    private readonly Counter<long> _malformedFrames;
    private readonly Counter<long> _reconnects;
    private readonly Histogram<int> _framesPerFlush;
    private long _messagesSentCount;
    private long _messagesReceivedCount;
    private long _framesSentCount;
    private long _framesReceivedCount;
    private long _bytesSentCount;
    private long _bytesReceivedCount;
    private long _flushCount;
    private long _droppedCount;
    private long _authenticationFailureCount;
    private long _malformedFrameCount;
    private long _reconnectCount;

    public TransportMetrics(IMeterFactory? meterFactory, SiloId self, Func<int> peersUp, Func<long> queuedMessages)
    {
        Meter meter;
        if (meterFactory is null)
        {
            _ownedMeter = new Meter(MeterName);
            meter = _ownedMeter;
        }
        else
        {
            meter = meterFactory.Create(MeterName);
        }

        _silo = new KeyValuePair<string, object?>("silo", self.Value);
        _messagesSent = meter.CreateCounter<long>("synod.transport.messages.sent", "{message}", "Messages written to a peer connection");
        _messagesReceived = meter.CreateCounter<long>("synod.transport.messages.received", "{message}", "Messages received from peers and handed to the runtime");
        _framesSent = meter.CreateCounter<long>("synod.transport.frames.sent", "{frame}", "Frames written after the handshake (messages and heartbeats)");
        _framesReceived = meter.CreateCounter<long>("synod.transport.frames.received", "{frame}", "Frames read after the handshake (messages and heartbeats)");
        _bytesSent = meter.CreateCounter<long>("synod.transport.bytes.sent", "By", "Frame bytes written, length prefixes included");
        _bytesReceived = meter.CreateCounter<long>("synod.transport.bytes.received", "By", "Frame bytes read, length prefixes included");
        _flushes = meter.CreateCounter<long>("synod.transport.flushes", "{flush}", "Network writes, each carrying one or more frames");
        _dropped = meter.CreateCounter<long>("synod.transport.messages.dropped", "{message}", "Messages refused for sending (tag reason: queue_full, unknown_peer, too_large)");
        _authenticationFailures = meter.CreateCounter<long>("synod.transport.authentication.failures", "{connection}", "Handshakes refused by either side or not finished in time");
        _malformedFrames = meter.CreateCounter<long>("synod.transport.frames.malformed", "{connection}", "Connections closed for an oversized, unparsable or out-of-place frame");
        _reconnects = meter.CreateCounter<long>("synod.transport.reconnects", "{connection}", "Connections authenticated with a peer that had been connected before");
        _framesPerFlush = meter.CreateHistogram<int>("synod.transport.flush.frames", "{frame}", "Frames per network write");
        meter.CreateObservableGauge("synod.transport.peers.up", () => new Measurement<int>(peersUp(), _silo), "{silo}", "Peers currently up");
        meter.CreateObservableGauge("synod.transport.queue.messages", () => new Measurement<long>(queuedMessages(), _silo), "{message}", "Messages waiting in the send queues");
    }

    public TransportStatistics Snapshot() => new(
        Interlocked.Read(ref _messagesSentCount),
        Interlocked.Read(ref _messagesReceivedCount),
        Interlocked.Read(ref _framesSentCount),
        Interlocked.Read(ref _framesReceivedCount),
        Interlocked.Read(ref _bytesSentCount),
        Interlocked.Read(ref _bytesReceivedCount),
        Interlocked.Read(ref _flushCount),
        Interlocked.Read(ref _droppedCount),
        Interlocked.Read(ref _authenticationFailureCount),
        Interlocked.Read(ref _malformedFrameCount),
        Interlocked.Read(ref _reconnectCount));

    public void Flushed(int messages, int frames, long bytes)
    {
        Interlocked.Add(ref _messagesSentCount, messages);
        Interlocked.Add(ref _framesSentCount, frames);
        Interlocked.Add(ref _bytesSentCount, bytes);
        Interlocked.Increment(ref _flushCount);
        _messagesSent.Add(messages, _silo);
        _framesSent.Add(frames, _silo);
        _bytesSent.Add(bytes, _silo);
        _flushes.Add(1, _silo);
        _framesPerFlush.Record(frames, _silo);
    }

    public void FrameReceived(int wireBytes, bool isMessage)
    {
        Interlocked.Increment(ref _framesReceivedCount);
        Interlocked.Add(ref _bytesReceivedCount, wireBytes);
        _framesReceived.Add(1, _silo);
        _bytesReceived.Add(wireBytes, _silo);
        if (isMessage)
        {
            Interlocked.Increment(ref _messagesReceivedCount);
            _messagesReceived.Add(1, _silo);
        }
    }

    public void Dropped(string reason)
    {
        Interlocked.Increment(ref _droppedCount);
        _dropped.Add(1, _silo, new KeyValuePair<string, object?>("reason", reason));
    }

    public void AuthenticationFailed()
    {
        Interlocked.Increment(ref _authenticationFailureCount);
        _authenticationFailures.Add(1, _silo);
    }

    public void MalformedFrame()
    {
        Interlocked.Increment(ref _malformedFrameCount);
        _malformedFrames.Add(1, _silo);
    }

    public void Reconnected()
    {
        Interlocked.Increment(ref _reconnectCount);
        _reconnects.Add(1, _silo);
    }

    public void Dispose() => _ownedMeter?.Dispose();
}
