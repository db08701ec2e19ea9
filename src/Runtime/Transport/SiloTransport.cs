using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using System.Threading.Channels;
using Google.Protobuf;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Synod.Runtime.Transport;

/// <summary>
/// The silo-to-silo transport: one authenticated TCP connection per silo pair, carrying
/// length-prefixed protobuf frames, many per write.
/// </summary>
/// <remarks>
/// <para>Who dials: for each pair, the silo with the lower id dials and the higher one listens,
/// so there is never a second connection to reconcile. A listener refuses a dial from a higher
/// id. If the dialer reconnects while the listener still holds an older connection (a half-open
/// one, say), the newer replaces the older.</para>
/// <para>Sending: <see cref="TrySend"/> never blocks. Each peer has a bounded queue that outlives
/// connections; when it is full the newest message is refused (false, counted, logged once per
/// episode), so a slow or dead peer costs at most <see cref="TransportOptions.SendQueueCapacity"/>
/// messages of memory, and what does go out is still in the order it was sent. Delivery is at
/// most once: messages in flight when a connection breaks are lost, and the protocols above
/// retransmit.</para>
/// <para>Liveness: each side writes a heartbeat every <see cref="TransportOptions.HeartbeatInterval"/>;
/// a peer from which no frame arrives for <see cref="TransportOptions.PeerTimeout"/> is reported
/// <see cref="PeerState.Down"/> (within one heartbeat interval after the timeout) and its
/// connection closed; it is <see cref="PeerState.Up"/> again when a connection with it
/// authenticates.</para>
/// </remarks>
public sealed class SiloTransport : IAsyncDisposable
{
    // Handshakes in progress are bounded by Kestrel's connection limit: the peers' connections
    // plus this many unauthenticated ones.
    private const int MaxUnauthenticatedConnections = 64;
    private const int StatusChangeCapacity = 1024;

    private readonly SiloEndpoint _self;
    private readonly TransportContext _context;
    // Copied on write (peers are added while the cluster grows, never removed); readers take the
    // current instance without a lock.
    private volatile FrozenDictionary<SiloId, PeerLink> _links;
    private volatile PeerLink[] _linksById;
    private readonly Lock _peersLock = new();
    private readonly Handshake _handshake;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TransportMetrics _metrics;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Channel<PeerStatus> _statusChanges;
    private readonly List<Task> _dialers = [];
    private KestrelServer? _server;
    private ServiceProvider? _services;
    private SocketConnectionContextFactory? _connections;
    private ITimer? _ticker;
    private IPEndPoint? _localEndpoint;
    private int _started;
    private int _disposed;

    /// <param name="self">This silo and the endpoint to listen on (port 0 picks a free port; see <see cref="LocalEndpoint"/>).</param>
    /// <param name="peers">The other silos of the cluster and where they listen.</param>
    /// <param name="options">Settings; validated here.</param>
    /// <param name="handler">Receives every message from every peer (see <see cref="TransportMessageHandler"/>).</param>
    /// <param name="loggerFactory">Logs of the transport and of its Kestrel listener.</param>
    /// <param name="timeProvider">Clock for heartbeats, timeouts and back-off; the system clock if null.</param>
    /// <param name="meterFactory">Source of the <c>Synod</c> meter; a meter of its own if null.</param>
    public SiloTransport(
        SiloEndpoint self,
        IEnumerable<SiloEndpoint> peers,
        TransportOptions options,
        TransportMessageHandler handler,
        ILoggerFactory loggerFactory,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(peers);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ValidateOptionsResult validation = new TransportOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(TransportOptions), typeof(TransportOptions), validation.Failures);
        }

        SiloEndpoint[] peerList = [.. peers];
        if (Array.Exists(peerList, peer => peer is null))
        {
            throw new ArgumentException("A peer is null.", nameof(peers));
        }

        Array.Sort(peerList, (a, b) => a.Id.CompareTo(b.Id));
        CheckPeers(self.Id, peerList);
        _self = self;
        _loggerFactory = loggerFactory;
        _statusChanges = Channel.CreateBounded<PeerStatus>(new BoundedChannelOptions(StatusChangeCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
        });
        _metrics = new TransportMetrics(meterFactory, self.Id, CountPeersUp, CountQueuedMessages);
        _context = new TransportContext(
            self.Id, options, handler, loggerFactory.CreateLogger<SiloTransport>(), _metrics,
            timeProvider ?? TimeProvider.System, _statusChanges.Writer, _stopping.Token);
        _handshake = new Handshake(self.Id, options.ClusterName, Encoding.UTF8.GetBytes(options.ClusterKey));
        _linksById = [.. peerList.Select(peer => new PeerLink(peer, _context))];
        _links = _linksById.ToFrozenDictionary(link => link.Peer);
    }

    /// <summary>This silo's id.</summary>
    public SiloId Self => _self.Id;

    /// <summary>The endpoint the listener is bound to, with the actual port. Available after <see cref="StartAsync"/>.</summary>
    public IPEndPoint LocalEndpoint => _localEndpoint ?? throw new InvalidOperationException("The transport has not started.");

    /// <summary>Peer status changes (up, down) as they happen; the oldest are dropped if nobody reads.</summary>
    public ChannelReader<PeerStatus> StatusChanges => _statusChanges.Reader;

    /// <summary>The transport's counters so far.</summary>
    public TransportStatistics Statistics => _metrics.Snapshot();

    /// <summary>Every peer's status, ordered by silo id.</summary>
    public IReadOnlyList<PeerStatus> PeerStatuses => [.. _linksById.Select(link => link.Status())];

    /// <summary>Binds the listener, then starts dialing the peers with higher ids.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The transport was already started.");
        }

        var services = new ServiceCollection();
        services.AddSingleton(_loggerFactory);
        services.AddSingleton(new TransportConnectionHandler(this));
        _services = services.BuildServiceProvider();
        var kestrelOptions = new KestrelServerOptions { ApplicationServices = _services, AddServerHeader = false };
        kestrelOptions.Limits.MaxConcurrentConnections = _linksById.Length + MaxUnauthenticatedConnections;
        ListenOptions? listen = null;
        kestrelOptions.Listen(_self.Endpoint, options =>
        {
            options.UseConnectionHandler<TransportConnectionHandler>();
            listen = options;
        });
        var socketTransport = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), _loggerFactory);
        _server = new KestrelServer(Options.Create(kestrelOptions), socketTransport, _loggerFactory);
        await _server.StartAsync(new NoHttpApplication(), cancellationToken).ConfigureAwait(false);
        _localEndpoint = listen!.IPEndPoint!;
        TransportLog.Listening(_context.Logger, Self, _localEndpoint);

        lock (_peersLock)
        {
            _connections = new SocketConnectionContextFactory(new SocketConnectionFactoryOptions(), _loggerFactory.CreateLogger<SocketConnectionContextFactory>());
            foreach (PeerLink link in _linksById.Where(link => link.ThisSideDials))
            {
                _dialers.Add(new PeerDialer(link, _context, _handshake, _connections).RunAsync());
            }
        }

        TimeSpan interval = _context.Options.HeartbeatInterval;
        _ticker = _context.Time.CreateTimer(static state => ((SiloTransport)state!).Tick(), this, interval, interval);
    }

    /// <summary>
    /// Queues a message for a peer without waiting. Returns false, and counts a drop, when the
    /// peer is unknown, the message exceeds <see cref="TransportOptions.MaxFrameBytes"/>, or the
    /// peer's send queue is full. The message is serialized later, on the connection's writer:
    /// do not change it after this call (sending one instance to several peers is fine).
    /// </summary>
    public bool TrySend(SiloId to, TransportMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_links.TryGetValue(to, out PeerLink? link))
        {
            _metrics.Dropped("unknown_peer");
            TransportLog.UnknownPeer(_context.Logger, Self, to);
            return false;
        }

        // Frame overhead: one tag byte and the length of the embedded message.
        int messageBytes = message.CalculateSize();
        int frameBytes = 1 + CodedOutputStream.ComputeLengthSize(messageBytes) + messageBytes;
        if (frameBytes > _context.Options.MaxFrameBytes)
        {
            _metrics.Dropped("too_large");
            TransportLog.MessageTooLarge(_context.Logger, Self, to, frameBytes, _context.Options.MaxFrameBytes);
            return false;
        }

        if (!link.TryEnqueue(message, out bool becameFull))
        {
            _metrics.Dropped("queue_full");
            if (becameFull)
            {
                TransportLog.QueueFull(_context.Logger, Self, to, _context.Options.SendQueueCapacity);
            }

            return false;
        }

        return true;
    }

    /// <summary>
    /// Adds a silo that joined the cluster after this transport was built: it is dialed (when its
    /// id is higher) or accepted from now on. False when it is already a peer (endpoints of a known
    /// peer do not change while the transport runs).
    /// </summary>
    /// <exception cref="ArgumentException">The peer is this silo.</exception>
    public bool AddPeer(SiloEndpoint peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (peer.Id == Self)
        {
            throw new ArgumentException($"Silo {Self} cannot be its own peer.", nameof(peer));
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        lock (_peersLock)
        {
            if (_links.ContainsKey(peer.Id))
            {
                return false;
            }

            var link = new PeerLink(peer, _context);
            PeerLink[] links = [.. _linksById, link];
            Array.Sort(links, (a, b) => a.Peer.CompareTo(b.Peer));
            _linksById = links;
            _links = links.ToFrozenDictionary(l => l.Peer);
            if (_connections is not null && link.ThisSideDials)
            {
                _dialers.Add(new PeerDialer(link, _context, _handshake, _connections).RunAsync());
            }

            TransportLog.PeerAdded(_context.Logger, Self, peer.Id, peer.Endpoint);
            return true;
        }
    }

    /// <summary>Whether <paramref name="peer"/> is a peer of this silo.</summary>
    public bool IsPeer(SiloId peer) => _links.ContainsKey(peer);

    /// <summary>A peer's status.</summary>
    /// <exception cref="ArgumentException">The silo is not a peer of this one.</exception>
    public PeerStatus GetPeerStatus(SiloId peer) =>
        _links.TryGetValue(peer, out PeerLink? link)
            ? link.Status()
            : throw new ArgumentException($"Silo {peer} is not a peer of silo {Self}.", nameof(peer));

    /// <summary>Stops listening and dialing, closes every connection, and waits for all of it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_ticker is not null)
        {
            await _ticker.DisposeAsync().ConfigureAwait(false);
        }

        if (_server is not null)
        {
            // The connection handlers return promptly once stopping is cancelled; the deadline only
            // guards against one that does not, which Kestrel then aborts.
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _server.StopAsync(deadline.Token).ConfigureAwait(false);
            _server.Dispose();
        }

        Task[] dialers;
        lock (_peersLock)
        {
            dialers = [.. _dialers];
        }

        await Task.WhenAll(dialers).ConfigureAwait(false);
        _connections?.Dispose();
        if (_services is not null)
        {
            await _services.DisposeAsync().ConfigureAwait(false);
        }

        _statusChanges.Writer.TryComplete();
        _metrics.Dispose();
        _stopping.Dispose();
        TransportLog.Stopped(_context.Logger, Self);
    }

    /// <summary>Handshake, then the connection's life, for a connection Kestrel accepted.</summary>
    internal async Task AcceptAsync(ConnectionContext connection)
    {
        HandshakeOutcome outcome;
        using (HandshakeDeadline deadline = _context.NewHandshakeDeadline(connection.ConnectionClosed))
        {
            try
            {
                outcome = await _handshake.AcceptAsync(connection.Transport, CheckDialer, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.TimedOut && !_stopping.IsCancellationRequested)
            {
                // Safe: the caller did not complete the handshake in time; counted and closed.
                _context.ReportHandshakeTimeout(connection.RemoteEndPoint, null);
                return;
            }
            catch (OperationCanceledException) when (deadline.Token.IsCancellationRequested)
            {
                // Safe: the transport is stopping or the caller hung up; there is nothing to serve.
                return;
            }
            catch (ConnectionAbortedException)
            {
                // Safe: the socket layer aborted the connection (server shutdown); nothing to serve.
                return;
            }
            catch (IOException error)
            {
                // Safe: the connection broke during the handshake; the caller may try again.
                _context.ReportHandshakeFailure(new HandshakeOutcome(HandshakeFailure.Closed, null, error.Message), connection.RemoteEndPoint);
                return;
            }
        }

        if (!outcome.Authenticated)
        {
            _context.ReportHandshakeFailure(outcome, connection.RemoteEndPoint);
            return;
        }

        PeerLink link = _links[outcome.Peer!.Value];
        TransportLog.Authenticated(_context.Logger, Self, link.Peer, connection.RemoteEndPoint, HandshakeRole.Listener);
        using var peerConnection = new PeerConnection(connection, link, _context);
        string reason = await link.RunAsync(peerConnection).ConfigureAwait(false);
        TransportLog.ConnectionClosed(_context.Logger, Self, link.Peer, reason);
    }

    private string? CheckDialer(SiloId dialer)
    {
        if (dialer == Self)
        {
            return $"claims to be silo {Self}, which is this one";
        }

        if (!_links.TryGetValue(dialer, out PeerLink? link))
        {
            return $"silo {dialer} is not in this silo's configuration";
        }

        return link.ThisSideDials
            ? $"silo {dialer} has the lower id, so silo {Self} dials it; it must not dial"
            : null;
    }

    private void Tick()
    {
        foreach (PeerLink link in _linksById)
        {
            link.Tick();
        }
    }

    private int CountPeersUp() => _linksById.Count(link => link.IsUp);

    private long CountQueuedMessages() => _linksById.Sum(link => (long)link.QueuedMessages);

    private static void CheckPeers(SiloId self, SiloEndpoint[] peers)
    {
        for (int i = 0; i < peers.Length; i++)
        {
            if (peers[i].Id == self)
            {
                throw new ArgumentException($"Silo {self} is listed among its own peers.", nameof(peers));
            }

            if (i > 0 && peers[i].Id == peers[i - 1].Id)
            {
                throw new ArgumentException($"Silo {peers[i].Id} is listed twice.", nameof(peers));
            }
        }
    }
}
