using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Synod.Grains.Interfaces;
using Synod.Grains.Interfaces.Streams;

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
    private readonly CancellationTokenSource _stopping = new();

    // Given to every turn; cancelled only after a graceful deactivation, so turns run to completion
    // during shutdown (a replica hands leadership off and flushes its storage then).
    private readonly CancellationTokenSource _abortTurns = new();
    private Task? _ticker;
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
    }

    /// <summary>Activations currently live in this silo.</summary>
    public int ActivationCount => _activations.Count;

    /// <summary>Turns run, turns that failed, and stream items or ticks dropped on full mailboxes.</summary>
    public (long Turns, long Failures, long Dropped) Counters => (_counters.Turns, _counters.Failures, _counters.Dropped);

    /// <summary>Starts the silo's single timer, which queues a tick for every tickable activation each period.</summary>
    public void Start() => _ticker ??= Task.Run(TickAsync);

    /// <inheritdoc/>
    public IGrainReference GetGrain(GrainId id) => new LocalGrainReference(this, id);

    /// <inheritdoc/>
    public IAsyncStream<T> GetStream<T>(StreamId id)
        where T : IMessage<T>, new() => new LocalStream<T>(this, id);

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

        await Task.WhenAll(_activations.Values.Where(lazy => lazy.IsValueCreated).Select(lazy => lazy.Value.DeactivateAsync())).ConfigureAwait(false);
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

    private Activation CreateActivation(GrainId id)
    {
        Grain grain = _registry.Create(id);
        var activation = new Activation(grain, new GrainContext(id, this, _time), _options.MailboxCapacity, _logger, _counters, _abortTurns.Token);
        RuntimeLog.Activated(_logger, id);
        return activation;
    }

    private async Task TickAsync()
    {
        using var timer = new PeriodicTimer(_options.TickInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                foreach (Lazy<Activation> lazy in _activations.Values)
                {
                    if (lazy.IsValueCreated)
                    {
                        lazy.Value.TryQueueTick();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The runtime is stopping: the timer's end, not a failure.
        }
    }

    private sealed record GrainContext(GrainId Id, SiloRuntime Runtime, TimeProvider Time) : IGrainContext
    {
        public IStreamProvider Streams => Runtime;

        public IGrainFactory GrainFactory => Runtime;

        public bool TryQueueTurn(Func<CancellationToken, Task> work) => Runtime.Activate(Id).TryQueue(TurnKind.Internal, work);
    }
}
