using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Synod.Grains.Interfaces;
using Synod.Grains.Interfaces.Streams;
using Synod.Runtime.Transport;

namespace Synod.Runtime.Grains;

/// <summary>
/// The grain runtime of one silo: activates grains on first use, runs their turns, delivers stream
/// items to implicitly subscribed grains, and drives every tickable activation from one timer.
/// It routes within the silo; the silo host plugs the transport in for grains placed elsewhere.
/// </summary>
public sealed class SiloRuntime : IGrainFactory, IStreamProvider, IAsyncDisposable
{
    private readonly GrainTypeRegistry _registry;
    private readonly RuntimeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RuntimeCounters _counters;
    private readonly ConcurrentDictionary<GrainId, Lazy<Activation>> _activations = new();

    // The activations the timer ticks: tickable ones that have not opted out (issue 6).
    private readonly ConcurrentDictionary<GrainId, Activation> _ticking = new();

    // Completed when an activation starts ticking; the timer waits on it while none ticks.
    private TaskCompletionSource _tickingAgain = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Periods the timer has run (IGrainContext.TickCount).
    private long _tickCount;
    private readonly ConcurrentDictionary<SiloId, StreamOutbox> _outboxes = new();
    private readonly CancellationTokenSource _stopping = new();

    // Given to every turn; cancelled only after a graceful deactivation, so turns run to completion
    // during shutdown (a replica hands leadership off and flushes its storage then).
    private readonly CancellationTokenSource _abortTurns = new();
    private readonly GrainDispatchTable _dispatch;
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<TransportMessage>> _calls = new();
    private readonly ConcurrentDictionary<Task, bool> _serving = new();
    private ClusterBinding? _cluster;
    private long _relayed;
    private long _nextCorrelation;
    private Task? _ticker;
    private Task? _peerWatcher;
    private int _disposed;

    /// <summary>Creates the runtime; call <see cref="Start"/> to begin ticking.</summary>
    public SiloRuntime(GrainTypeRegistry registry, RuntimeOptions options, TimeProvider? time = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry;
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<SiloRuntime>();
        _counters = new RuntimeCounters(meterFactory);
        _dispatch = registry.DispatchTable;
    }

    /// <summary>Activations currently live in this silo.</summary>
    public int ActivationCount => _activations.Count;

    /// <summary>Turns run, turns that failed, and stream items or ticks dropped on full mailboxes.</summary>
    public (long Turns, long Failures, long Dropped) Counters => (_counters.Turns, _counters.Failures, _counters.Dropped);

    /// <summary>Tick turns run, and transport messages and stream items sent to other silos (a batch is one message).</summary>
    public (long Ticks, long StreamMessages, long StreamItems) TrafficCounters => (_counters.Ticks, _counters.StreamMessages, _counters.StreamItems);

    /// <summary>Activations the timer ticks now (tickable ones that did not opt out).</summary>
    public int TickingActivationCount => _ticking.Count;

    /// <summary>
    /// Starts the silo's single timer, which queues a tick for every ticking activation each period,
    /// and, when attached to a cluster, tells <see cref="IPeerSiloObserver"/> grains of peer silos going down and up.
    /// </summary>
    public void Start()
    {
        _ticker ??= Task.Run(TickAsync);
        if (_cluster is { } cluster)
        {
            _peerWatcher ??= Task.Run(() => WatchPeersAsync(cluster.Transport));
        }
    }

    /// <summary>
    /// Queues an <see cref="IPeerSiloObserver"/> turn on every live activation that implements it
    /// (the peer watcher calls it on the transport's status changes; tests may call it directly).
    /// </summary>
    public void NotifyPeerSilo(int silo, bool isUp)
    {
        foreach (Lazy<Activation> lazy in _activations.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.Grain is IPeerSiloObserver observer)
            {
                lazy.Value.TryQueue(TurnKind.Internal, token => observer.OnPeerSiloChangedAsync(silo, isUp, token));
            }
        }
    }

    /// <inheritdoc/>
    public IGrainReference GetGrain(GrainId id) =>
        _cluster is { } cluster && cluster.Placement(id) is var silo && silo != cluster.Self
            ? new RemoteGrainReference(this, id, silo)
            : new LocalGrainReference(this, id);

    /// <summary>
    /// A reference to a grain on another silo whose calls travel through <paramref name="via"/>:
    /// that silo passes each call on to the grain's silo and the answer back (one hop more). For a
    /// caller that cannot reach the grain's silo while <paramref name="via"/> can (a partial
    /// partition). The grain's silo is the one the relay's placement says.
    /// </summary>
    public IGrainReference GetGrainVia(GrainId id, SiloId via) => new RemoteGrainReference(this, id, via, relayed: true);

    /// <inheritdoc/>
    public IAsyncStream<T> GetStream<T>(StreamId id)
        where T : IMessage<T>, new() => new RoutedStream<T>(this, id);

    /// <summary>
    /// Connects this runtime to the cluster: grains that <paramref name="placement"/> puts on
    /// another silo are reached through <paramref name="transport"/>. The transport's handler must
    /// be <see cref="OnTransportMessageAsync"/>.
    /// </summary>
    public void AttachCluster(SiloId self, Func<GrainId, SiloId> placement, SiloTransport transport)
    {
        ArgumentNullException.ThrowIfNull(placement);
        ArgumentNullException.ThrowIfNull(transport);
        _cluster = new ClusterBinding(self, placement, transport);
    }

    /// <summary>Receives what other silos send this runtime: stream items, calls and call responses.</summary>
    public ValueTask OnTransportMessageAsync(SiloId from, TransportMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Kind is RemoteKinds.Response or RemoteKinds.Error)
        {
            if (_calls.TryRemove(message.CorrelationId, out TaskCompletionSource<TransportMessage>? call))
            {
                call.TrySetResult(message);
            }
        }
        else if (message.Kind == RemoteKinds.StreamBatch)
        {
            ReceiveStreamBatch(from, message);
        }
        else if (message.Kind.StartsWith(RemoteKinds.StreamPrefix, StringComparison.Ordinal))
        {
            ReceiveStreamItem(message);
        }
        else if (message.Kind.StartsWith(RemoteKinds.RelayPrefix, StringComparison.Ordinal))
        {
            Track(RelayCallAsync(from, message));
        }
        else if (message.Kind.StartsWith(RemoteKinds.CallPrefix, StringComparison.Ordinal))
        {
            // A call may wait for turns that need further messages from the same connection (a
            // proposal waits for its followers' acknowledgements), so it runs apart from the
            // receive loop; the task is kept and awaited on shutdown.
            Track(ServeCallAsync(from, message));
        }
        else
        {
            RuntimeLog.UnknownMessage(_logger, from.Value, message.Kind);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Returns the live grain instance for <paramref name="id"/>, activating it if needed (tests and the silo's status page).</summary>
    public Grain GetOrActivate(GrainId id) => Activate(id).Grain;

    /// <summary>Deactivates every grain (each runs what is queued, then its deactivation turn) and stops the timer.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_ticker is not null)
        {
            await _ticker.ConfigureAwait(false);
        }

        if (_peerWatcher is not null)
        {
            await _peerWatcher.ConfigureAwait(false);
        }

        await Task.WhenAll(_activations.Values.Where(lazy => lazy.IsValueCreated).Select(lazy => lazy.Value.DeactivateAsync())).ConfigureAwait(false);
        try
        {
            // Calls served for other silos finish with their grains' last turns; a bound keeps a
            // stuck one from holding the shutdown (and the store's flush) forever.
            await Task.WhenAll(_serving.Keys).WaitAsync(TimeSpan.FromSeconds(10), _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            RuntimeLog.ShutdownAbandonedCalls(_logger, _serving.Count);
        }
        foreach (TaskCompletionSource<TransportMessage> call in _calls.Values)
        {
            call.TrySetCanceled();
        }

        _activations.Clear();
        await _abortTurns.CancelAsync().ConfigureAwait(false);
        _counters.Dispose();
        _stopping.Dispose();
        _abortTurns.Dispose();
    }

    internal Activation Activate(GrainId id)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Lazy<Activation> lazy = _activations.GetOrAdd(id, key => new Lazy<Activation>(() => CreateActivation(key)));
        try
        {
            return lazy.Value;
        }
        finally
        {
            if (!lazy.IsValueCreated)
            {
                // Construction failed (unknown type, a throwing factory): forget the attempt, so the
                // error reaches this caller and a later call tries again.
                _activations.TryRemove(new KeyValuePair<GrainId, Lazy<Activation>>(id, lazy));
            }
        }
    }

    /// <summary>Delivers a stream item: as a turn of the consuming grain here, or to the silo that hosts it.</summary>
    internal bool Publish<T>(StreamId stream, T item)
        where T : IMessage<T>, new()
    {
        if (!TryGetConsumer(stream, out GrainId consumer))
        {
            return false;
        }

        if (_cluster is { } cluster && cluster.Placement(consumer) is var silo && silo != cluster.Self)
        {
            if (!cluster.Transport.IsPeer(silo))
            {
                // No silo hosts the consumer (a replica removed from its group): at-most-once
                // delivery allows the drop, and the sender stops once it learns of the removal.
                _counters.Unplaced();
                return false;
            }

            StreamOutbox outbox = _outboxes.GetOrAdd(silo, peer => new StreamOutbox(peer, cluster.Transport, _counters, _options.OutboxCapacity, _options.MaxBatchBytes));
            return outbox.TryQueue(new TransportMessage
            {
                Kind = RemoteKinds.StreamPrefix + item.Descriptor.FullName,
                Target = $"{stream.Namespace}/{stream.Key}",
                Payload = item.ToByteString(),
            });
        }

        return QueueLocally(stream, consumer, item);
    }

    /// <summary>Queues a stream item as a turn of its consuming grain in this silo.</summary>
    internal bool QueueLocally<T>(StreamId stream, T item)
        where T : IMessage<T>, new() =>
        TryGetConsumer(stream, out GrainId consumer) && QueueLocally(stream, consumer, item);

    internal async Task<TransportMessage> CallRemoteAsync(SiloId silo, GrainId grain, string requestType, ByteString request, CancellationToken cancellationToken, bool relayed = false)
    {
        ClusterBinding cluster = _cluster ?? throw new InvalidOperationException("The runtime is not attached to a cluster.");
        ulong correlation = (ulong)Interlocked.Increment(ref _nextCorrelation);
        var answer = new TaskCompletionSource<TransportMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _calls[correlation] = answer;
        // A span only while someone records (StartActivity is null otherwise and costs a check).
        using Activity? span = RuntimeTelemetry.Source.StartActivity(RuntimeTelemetry.CallSpan, ActivityKind.Client);
        try
        {
            var message = new TransportMessage { Kind = (relayed ? RemoteKinds.RelayPrefix : RemoteKinds.CallPrefix) + requestType, Target = grain.ToString(), CorrelationId = correlation, Payload = request };
            if (span is not null)
            {
                span.SetTag("synod.grain", message.Target);
                span.SetTag("synod.request", requestType);
                span.SetTag("synod.silo.target", silo.Value);
            }

            if ((span ?? Activity.Current) is { IdFormat: ActivityIdFormat.W3C } traced)
            {
                message.TraceParent = traced.Id;
            }

            if (!cluster.Transport.IsPeer(silo))
            {
                throw new GrainCallException(grain, silo, "no silo of the cluster hosts it");
            }

            if (cluster.Transport.GetPeerStatus(silo).State != PeerState.Up)
            {
                throw new GrainCallException(grain, silo, "the silo is down (it stopped answering heartbeats)");
            }

            if (!cluster.Transport.TrySend(silo, message))
            {
                throw new GrainCallException(grain, silo, "the silo cannot be reached (its link is down or its send queue is full)");
            }

            return await answer.Task.WaitAsync(_options.CallTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException timeout)
        {
            span?.SetStatus(ActivityStatusCode.Error, "timeout");
            throw new GrainCallException(grain, silo, $"no answer within {_options.CallTimeout.TotalSeconds:F0} s", timeout);
        }
        finally
        {
            _calls.TryRemove(correlation, out _);
        }
    }

    /// <summary>
    /// Removes the grain's activation so the next message creates a new one, and lets the old one
    /// run what it has queued and its deactivation turn in the background (awaited on dispose).
    /// </summary>
    /// <summary>The grain's live activation here, if any (for tests).</summary>
    internal Activation? ActivationOf(GrainId id) =>
        _activations.TryGetValue(id, out Lazy<Activation>? lazy) && lazy.IsValueCreated ? lazy.Value : null;

    internal void Retire(GrainId id)
    {
        if (TryRemoveActivation(id, out Activation? activation))
        {
            Track(activation.DeactivateAsync());
            RuntimeLog.Retired(_logger, id);
        }
    }

    /// <summary>
    /// Deactivates one grain now — it runs what it has queued, then its deactivation turn — and
    /// completes when that is done; at once when the grain is not active here. A later message or
    /// call activates it anew.
    /// </summary>
    public Task DeactivateAsync(GrainId id)
    {
        if (!TryRemoveActivation(id, out Activation? activation))
        {
            return Task.CompletedTask;
        }

        Task done = activation.DeactivateAsync();
        Track(done);
        RuntimeLog.Retired(_logger, id);
        return done;
    }

    private bool TryRemoveActivation(GrainId id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Activation? activation)
    {
        activation = null;
        if (!_activations.TryGetValue(id, out Lazy<Activation>? lazy) || !lazy.IsValueCreated
            || !_activations.TryRemove(new KeyValuePair<GrainId, Lazy<Activation>>(id, lazy)))
        {
            return false;
        }

        activation = lazy.Value;
        _ticking.TryRemove(new KeyValuePair<GrainId, Activation>(id, activation));
        return true;
    }

    /// <summary>Keeps a background task (a served call, a retiring activation) until it ends; shutdown awaits what is left.</summary>
    private void Track(Task work)
    {
        _serving[work] = true;
        _ = work.ContinueWith(done => _serving.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    internal bool TryGetConsumer(StreamId stream, out GrainId consumer)
    {
        if (_registry.TryGetConsumer(stream.Namespace, out GrainType type))
        {
            consumer = new GrainId(type, stream.Key);
            return true;
        }

        RuntimeLog.NoConsumer(_logger, stream.ToString(), stream.Namespace);
        consumer = default;
        return false;
    }

    private bool QueueLocally<T>(StreamId stream, GrainId consumer, T item)
        where T : IMessage<T>, new()
    {
        Activation activation = Activate(consumer);
        if (activation.Grain is not IStreamConsumer<T> handler)
        {
            throw new GrainUnavailableException(consumer, $"its type subscribes to namespace {stream.Namespace} but does not consume {typeof(T).Name}");
        }

        return activation.TryQueue(TurnKind.StreamItem, token => handler.OnNextAsync(stream, item, token));
    }

    private void ReceiveStreamBatch(SiloId from, TransportMessage message)
    {
        StreamBatch batch;
        try
        {
            batch = StreamBatch.Parser.ParseFrom(message.Payload);
        }
        catch (InvalidProtocolBufferException malformed)
        {
            // A peer's batch that does not parse: dropped and logged; the protocols retransmit.
            RuntimeLog.MalformedItem(_logger, $"batch from silo {from.Value}", malformed.Message);
            return;
        }

        foreach (TransportMessage item in batch.Items)
        {
            if (item.Kind.StartsWith(RemoteKinds.StreamPrefix, StringComparison.Ordinal))
            {
                ReceiveStreamItem(item);
            }
            else
            {
                // Only stream items travel in batches; anything else is a peer's mistake.
                RuntimeLog.UnknownMessage(_logger, from.Value, item.Kind);
            }
        }
    }

    private void ReceiveStreamItem(TransportMessage message)
    {
        string itemType = message.Kind[RemoteKinds.StreamPrefix.Length..];
        int slash = message.Target.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || !_dispatch.TryGetStreamItem(itemType, out GrainDispatchTable.RemoteStreamItem deliver))
        {
            RuntimeLog.UnknownMessage(_logger, 0, message.Kind);
            return;
        }

        var stream = new StreamId(message.Target[..slash], message.Target[(slash + 1)..]);
        if (!IsPlacedHere(stream))
        {
            // A peer whose layout differs from ours must not activate here a replica placed
            // elsewhere: a second copy of one replica could vote twice.
            RuntimeLog.NotPlacedHere(_logger, stream.ToString());
            return;
        }

        try
        {
            deliver(this, stream, message.Payload.Memory);
        }
        catch (InvalidProtocolBufferException malformed)
        {
            // A peer's bytes that do not parse: dropped and logged; the protocol retransmits.
            RuntimeLog.MalformedItem(_logger, stream.ToString(), malformed.Message);
        }
        catch (ObjectDisposedException)
        {
            // This silo is stopping: the item is dropped, as a stopped silo's would be.
        }
        catch (GrainUnavailableException unavailable)
        {
            // The consuming grain cannot activate here (an unknown group): dropped and logged.
            RuntimeLog.MalformedItem(_logger, stream.ToString(), unavailable.Message);
        }
    }

    private bool IsPlacedHere(StreamId stream) =>
        _cluster is not { } cluster
        || !TryGetConsumer(stream, out GrainId consumer)
        || cluster.Placement(consumer) == cluster.Self;

    private async Task ServeCallAsync(SiloId from, TransportMessage message)
    {
        // Continues the caller's trace when it sent one and someone here records spans.
        using Activity? span = message.TraceParent.Length > 0 && RuntimeTelemetry.Source.HasListeners()
            && ActivityContext.TryParse(message.TraceParent, null, isRemote: true, out ActivityContext parent)
            ? RuntimeTelemetry.Source.StartActivity(RuntimeTelemetry.CallSpan, ActivityKind.Server, parent)
            : null;
        if (span is not null)
        {
            span.SetTag("synod.grain", message.Target);
            span.SetTag("synod.silo.caller", from.Value);
        }

        TransportMessage answer;
        try
        {
            answer = new TransportMessage { Kind = RemoteKinds.Response, CorrelationId = message.CorrelationId, Payload = ByteString.CopyFrom(await RunRemoteCallAsync(message).ConfigureAwait(false)) };
        }
#pragma warning disable CA1031 // The boundary of a remote call: the failure goes back to the caller as an error answer.
        catch (Exception error)
#pragma warning restore CA1031
        {
            span?.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
            answer = new TransportMessage { Kind = RemoteKinds.Error, CorrelationId = message.CorrelationId, Payload = ByteString.CopyFromUtf8($"{error.GetType().Name}: {error.Message}") };
        }

        _cluster?.Transport.TrySend(from, answer);
    }

    // A call another silo asks this one to pass on: served here when the grain is placed here,
    // else sent on to its silo as a plain call (so it is never relayed twice), and the answer (or
    // the failure) goes back under the caller's correlation id.
    private async Task RelayCallAsync(SiloId from, TransportMessage message)
    {
        string requestType = message.Kind[RemoteKinds.RelayPrefix.Length..];
        TransportMessage answer;
        try
        {
            int slash = message.Target.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || _cluster is not { } cluster)
            {
                throw new ArgumentException($"'{message.Target}' is not a grain id, or this silo is not in a cluster.");
            }

            GrainId grain = GrainId.Create(message.Target[..slash], message.Target[(slash + 1)..]);
            SiloId target = cluster.Placement(grain);
            Interlocked.Increment(ref _relayed);
            if (target == cluster.Self)
            {
                byte[] local = await RunRemoteCallAsync(new TransportMessage { Kind = RemoteKinds.CallPrefix + requestType, Target = message.Target, Payload = message.Payload }).ConfigureAwait(false);
                answer = new TransportMessage { Kind = RemoteKinds.Response, Payload = ByteString.CopyFrom(local) };
            }
            else if (target == from)
            {
                throw new GrainCallException(grain, target, "the grain is on the caller's own silo; it is not relayed back");
            }
            else
            {
                answer = await CallRemoteAsync(target, grain, requestType, message.Payload, _abortTurns.Token).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // The boundary of a relayed call: the failure goes back to the caller as an error answer.
        catch (Exception error)
#pragma warning restore CA1031
        {
            answer = new TransportMessage { Kind = RemoteKinds.Error, Payload = ByteString.CopyFromUtf8($"{error.GetType().Name}: {error.Message}") };
        }

        answer.CorrelationId = message.CorrelationId;
        answer.Target = "";
        _cluster?.Transport.TrySend(from, answer);
    }

    /// <summary>Calls this silo passed on for another silo (see <see cref="GetGrainVia"/>).</summary>
    public long RelayedCalls => Interlocked.Read(ref _relayed);

    private Task<byte[]> RunRemoteCallAsync(TransportMessage message)
    {
        string requestType = message.Kind[RemoteKinds.CallPrefix.Length..];
        int slash = message.Target.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            throw new ArgumentException($"'{message.Target}' is not a grain id.");
        }

        GrainId grain = GrainId.Create(message.Target[..slash], message.Target[(slash + 1)..]);
        if (_cluster is { } cluster && cluster.Placement(grain) != cluster.Self)
        {
            throw new GrainUnavailableException(grain, $"it is not placed on silo {cluster.Self}");
        }

        if (!_dispatch.TryGetCall(requestType, out GrainDispatchTable.RemoteCall call))
        {
            throw new GrainUnavailableException(grain, $"no grain type in this silo answers {requestType}");
        }

        return call(this, grain, message.Payload.Memory, _abortTurns.Token);
    }

    private Activation CreateActivation(GrainId id)
    {
        Grain grain = _registry.Create(id);
        var activation = new Activation(grain, new GrainContext(id, this, _time), _options.MailboxCapacity, _logger, _counters, _abortTurns.Token);
        if (grain is ITickable)
        {
            StartTicking(id, activation);
        }

        RuntimeLog.Activated(_logger, id);
        return activation;
    }

    private void SetTicking(GrainId id, bool enabled)
    {
        if (!_activations.TryGetValue(id, out Lazy<Activation>? lazy) || !lazy.IsValueCreated || lazy.Value.Grain is not ITickable)
        {
            return;
        }

        if (enabled)
        {
            StartTicking(id, lazy.Value);
        }
        else
        {
            _ticking.TryRemove(id, out _);
        }
    }

    private async Task WatchPeersAsync(SiloTransport transport)
    {
        try
        {
            await foreach (PeerStatus change in transport.StatusChanges.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
            {
                NotifyPeerSilo(change.Silo.Value, change.State == PeerState.Up);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The runtime is stopping: the watcher's end, not a failure.
        }
    }

    private void StartTicking(GrainId id, Activation activation)
    {
        _ticking[id] = activation;
        Volatile.Read(ref _tickingAgain).TrySetResult();
    }

    private async Task TickAsync()
    {
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                // A PeriodicTimer fires every period whether or not anyone waits on it, so while no
                // activation ticks (every group quiet) there is no timer at all: the loop waits for
                // one to start ticking instead of waking the thread pool 100 times a second. The
                // wake signal is renewed before the second look, so an activation that starts
                // ticking in between is never missed.
                var again = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _tickingAgain, again);
                if (_ticking.IsEmpty)
                {
                    await again.Task.WaitAsync(_stopping.Token).ConfigureAwait(false);
                }

                using var timer = new PeriodicTimer(_options.TickInterval, _time);
                while (!_ticking.IsEmpty && await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref _tickCount);
                    foreach (Activation activation in _ticking.Values)
                    {
                        activation.TryQueueTick();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The runtime is stopping: the timer's end, not a failure.
        }
    }

    private sealed record ClusterBinding(SiloId Self, Func<GrainId, SiloId> Placement, SiloTransport Transport);

    private sealed record GrainContext(GrainId Id, SiloRuntime Runtime, TimeProvider Time) : IGrainContext
    {
        public IStreamProvider Streams => Runtime;

        public IGrainFactory GrainFactory => Runtime;

        public bool TryQueueTurn(Func<CancellationToken, Task> work) => Runtime.Activate(Id).TryQueue(TurnKind.Internal, work);

        public void DeactivateOnIdle() => Runtime.Retire(Id);

        public void SetTicking(bool enabled) => Runtime.SetTicking(Id, enabled);

        public long TickCount => Volatile.Read(ref Runtime._tickCount);

        public int? SiloOf(GrainId grain) => Runtime._cluster is { } cluster ? cluster.Placement(grain).Value : null;
    }
}
