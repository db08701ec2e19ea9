using System.Net;
using System.Threading.Channels;

namespace Synod.Runtime.Transport;

/// <summary>
/// Everything this silo keeps about one peer: the bounded send queue, which outlives connections
/// (messages queued while the peer is away go out when it is back, unless the queue filled and
/// refused them), the current authenticated connection if any, and the peer's liveness.
/// </summary>
internal sealed class PeerLink
{
    // Wakes the writer when a heartbeat is due; recognised by reference and never written. At most
    // one is queued per heartbeat interval, so it may take one slot of the queue's capacity.
    private static readonly TransportMessage HeartbeatSignal = new();

    private readonly TransportContext _context;
    private readonly Channel<TransportMessage> _queue;
    private readonly Lock _gate = new();

    // Guarded by _gate.
    private PeerConnection? _current;
    private PeerState _state = PeerState.Down;
    private DateTimeOffset _since;
    private bool _everConnected;

    // Timestamp (on the injected clock) of the last frame from the peer; 0 until the first.
    private long _lastHeard;

    // Non-zero while the message handler holds a message from this peer: the peer is not silent,
    // this side is busy, so the peer must not be timed out for it.
    private int _delivering;

    // 1 from the tick that asks for a heartbeat until the writer writes it.
    private int _heartbeatDue;

    // 1 after a message was refused for a full queue, until one is accepted: logs each episode once.
    private int _queueFull;

    public PeerLink(SiloEndpoint peer, TransportContext context)
    {
        Peer = peer.Id;
        Endpoint = peer.Endpoint;
        _context = context;
        // The lower id dials (see SiloTransport); the higher one only listens for this peer.
        ThisSideDials = context.Self.CompareTo(peer.Id) < 0;
        _since = context.Time.GetUtcNow();
        // Full mode Wait with TryWrite only: a full queue refuses the newest message at once.
        _queue = Channel.CreateBounded<TransportMessage>(new BoundedChannelOptions(context.Options.SendQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    public SiloId Peer { get; }

    public IPEndPoint Endpoint { get; }

    public bool ThisSideDials { get; }

    public ChannelReader<TransportMessage> Outbound => _queue.Reader;

    public bool IsUp
    {
        get
        {
            lock (_gate)
            {
                return _state == PeerState.Up;
            }
        }
    }

    public int QueuedMessages => _queue.Reader.Count;

    /// <summary>Queues a message, or refuses it when the queue is full; <paramref name="becameFull"/> says whether this refusal starts a new episode.</summary>
    public bool TryEnqueue(TransportMessage message, out bool becameFull)
    {
        if (_queue.Writer.TryWrite(message))
        {
            Volatile.Write(ref _queueFull, 0);
            becameFull = false;
            return true;
        }

        becameFull = Interlocked.Exchange(ref _queueFull, 1) == 0;
        return false;
    }

    public static bool IsHeartbeatSignal(TransportMessage message) => ReferenceEquals(message, HeartbeatSignal);

    /// <summary>The writer takes the heartbeat request, if there is one.</summary>
    public bool TakeHeartbeatDue() => Interlocked.Exchange(ref _heartbeatDue, 0) == 1;

    public void Heard() => Volatile.Write(ref _lastHeard, _context.Time.GetTimestamp());

    public void BeginDelivery() => Volatile.Write(ref _delivering, 1);

    public void EndDelivery()
    {
        Heard();
        Volatile.Write(ref _delivering, 0);
    }

    public PeerStatus Status()
    {
        long lastHeard = Volatile.Read(ref _lastHeard);
        DateTimeOffset? lastHeardAt = lastHeard == 0 ? null : _context.Time.GetUtcNow() - _context.Time.GetElapsedTime(lastHeard);
        lock (_gate)
        {
            return new PeerStatus(Peer, _state, _since, lastHeardAt, QueuedMessages);
        }
    }

    /// <summary>
    /// Runs an authenticated connection until it closes, and returns why it closed. A newer
    /// connection replaces an older one: the older is aborted and fully finished before the newer
    /// reads or writes, so messages stay in order across the switch.
    /// </summary>
    public async Task<string> RunAsync(PeerConnection connection)
    {
        PeerConnection? previous;
        bool reconnect;
        lock (_gate)
        {
            previous = _current;
            _current = connection;
            reconnect = _everConnected;
            _everConnected = true;
        }

        try
        {
            if (previous is not null)
            {
                previous.Abort("replaced by a newer connection from the same silo");
                await previous.Completion.ConfigureAwait(false);
            }

            if (reconnect)
            {
                _context.Metrics.Reconnected();
            }

            Interlocked.Exchange(ref _heartbeatDue, 0);
            Heard();
            MarkUp();
            return await connection.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                if (ReferenceEquals(_current, connection))
                {
                    _current = null;
                }
            }

            connection.Finish();
        }
    }

    /// <summary>
    /// Called every heartbeat interval: asks the writer for a heartbeat, and reports the peer down
    /// (closing its connection) when nothing has arrived from it for the peer timeout.
    /// </summary>
    public void Tick()
    {
        PeerConnection? current;
        lock (_gate)
        {
            current = _current;
        }

        if (current is not null && Interlocked.Exchange(ref _heartbeatDue, 1) == 0)
        {
            // If the queue is full the writer is busy and will see the flag before its next batch.
            _queue.Writer.TryWrite(HeartbeatSignal);
        }

        if (Volatile.Read(ref _delivering) != 0)
        {
            Heard();
            return;
        }

        long lastHeard = Volatile.Read(ref _lastHeard);
        if (lastHeard == 0)
        {
            return;
        }

        TimeSpan silence = _context.Time.GetElapsedTime(lastHeard);
        if (silence <= _context.Options.PeerTimeout)
        {
            return;
        }

        MarkDown(silence);
        current?.Abort($"nothing heard for {silence} (peer timeout {_context.Options.PeerTimeout})");
    }

    private void MarkUp()
    {
        PeerStatus? changed = null;
        lock (_gate)
        {
            if (_state == PeerState.Down)
            {
                _state = PeerState.Up;
                _since = _context.Time.GetUtcNow();
                changed = new PeerStatus(Peer, _state, _since, _since, QueuedMessages);
            }
        }

        if (changed is not null)
        {
            TransportLog.PeerUp(_context.Logger, _context.Self, Peer);
            _context.StatusChanges.TryWrite(changed);
        }
    }

    private void MarkDown(TimeSpan silence)
    {
        PeerStatus? changed = null;
        lock (_gate)
        {
            if (_state == PeerState.Up)
            {
                _state = PeerState.Down;
                _since = _context.Time.GetUtcNow();
                changed = new PeerStatus(Peer, _state, _since, _since - silence, QueuedMessages);
            }
        }

        if (changed is not null)
        {
            TransportLog.PeerDown(_context.Logger, _context.Self, Peer, silence, _context.Options.PeerTimeout);
            _context.StatusChanges.TryWrite(changed);
        }
    }
}
