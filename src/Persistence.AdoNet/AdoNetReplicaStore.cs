using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Synod.Runtime.Storage;

namespace Synod.Persistence.AdoNet;

/// <summary>
/// The replica store over ADO.NET, for SQLite and PostgreSQL. One writer loop owns the store's
/// single connection: it drains the queue, puts every queued batch of every replica into one
/// transaction (group commit: one sync for all of them, bounded by
/// <see cref="ReplicaStoreOptions.MaxGroupCommitRecords"/> and <see cref="ReplicaStoreOptions.MaxGroupCommitBytes"/>),
/// commits, then completes them all. Batches that arrive during a commit form the next group, so
/// the group grows with the load and a lone batch is not delayed.
/// </summary>
public sealed class AdoNetReplicaStore : IReplicaStore
{
    private readonly StoreDialect _dialect;
    private readonly ReplicaStoreOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly StorageMetrics _metrics;
    private readonly Channel<StoreRequest> _queue;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _writer;

    // Owned by the writer loop; never touched by callers.
    private readonly Dictionary<DurableReplicaId, ReplicaEntry> _replicas = [];

    // Per replica, how many batches were submitted (numbers the batches; see WriteAsync).
    private readonly ConcurrentDictionary<DurableReplicaId, SubmissionCounter> _submitted = new();

    // Replicas with a rejected or abandoned write; read by callers, written by both sides.
    private readonly ConcurrentDictionary<DurableReplicaId, bool> _fenced = new();
    private volatile StorageFaultedException? _fault;
    private int _disposed;

    private AdoNetReplicaStore(StoreDialect dialect, ReplicaStoreOptions options, ILogger logger, IMeterFactory? meterFactory, TimeProvider? timeProvider)
    {
        _time = timeProvider ?? TimeProvider.System;
        _dialect = dialect;
        _options = options;
        _logger = logger;
        _metrics = new StorageMetrics(meterFactory, dialect.Provider);
        _queue = Channel.CreateBounded<StoreRequest>(new BoundedChannelOptions(options.MaxQueuedRequests)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writer = Task.Run(RunAsync);
    }

    /// <summary>Completes when the store is open and its schema is ready; faults if it cannot open.</summary>
    public Task Started => _started.Task;

    /// <summary>Names the store: provider and location.</summary>
    public string Description => _dialect.Description;

    /// <inheritdoc/>
    public ReplicaStoreStatistics Statistics => _metrics.Snapshot();

    /// <summary>Opens (creating when missing) the SQLite store described by <paramref name="options"/>.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public static AdoNetReplicaStore OpenSqlite(
        SqliteReplicaStoreOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Throw(new SqliteReplicaStoreOptionsValidator().Validate(null, options), typeof(SqliteReplicaStoreOptions));
        return new AdoNetReplicaStore(new SqliteDialect(options), options, Logger(loggerFactory), meterFactory, timeProvider);
    }

    /// <summary>Opens (creating the schema when missing) the PostgreSQL store described by <paramref name="options"/>.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public static AdoNetReplicaStore OpenPostgres(
        PostgresReplicaStoreOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Throw(new PostgresReplicaStoreOptionsValidator().Validate(null, options), typeof(PostgresReplicaStoreOptions));
        return new AdoNetReplicaStore(new PostgresDialect(options, timeProvider ?? TimeProvider.System), options, Logger(loggerFactory), meterFactory, timeProvider);
    }

    /// <inheritdoc/>
    public ValueTask WriteAsync(ReplicaWriteBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (_fault is { } fault)
        {
            return ValueTask.FromException(fault);
        }

        // The batch is copied before it is checked, so a caller that reuses its list cannot change
        // what was checked; payload bytes belong to the store until the write completes.
        ReplicaWriteBatch frozen;
        try
        {
            frozen = Freeze(batch);
            ReplicaWriteValidator.Check(frozen, _options);
            if (_fenced.ContainsKey(frozen.Replica))
            {
                throw Fenced(frozen.Replica);
            }
        }
        catch (StorageRejectedException rejected)
        {
            Fence(rejected.Replica);
            Rejected(rejected);
            return ValueTask.FromException(rejected);
        }

        // Numbered per replica at submission: a batch abandoned while waiting for room leaves a gap
        // the writer sees, even if a later batch of the replica slips into the queue before the
        // abandoning caller has fenced the replica.
        long sequence = Interlocked.Increment(ref _submitted.GetOrAdd(frozen.Replica, static _ => new SubmissionCounter()).Value);
        var request = new WriteRequest(frozen, frozen.PayloadBytes, sequence);
        return _queue.Writer.TryWrite(request)
            ? new ValueTask(request.Completion)
            : EnqueueWriteSlowlyAsync(request, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<ReplicaDurableState> OpenReplicaAsync(DurableReplicaId replica, CancellationToken cancellationToken = default)
    {
        RequireNamed(replica);
        return Control((connection, token) => OpenOnWriterAsync(connection, replica, token), cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask DeleteReplicaAsync(DurableReplicaId replica, CancellationToken cancellationToken = default)
    {
        RequireNamed(replica);
        return DeleteNamedReplicaAsync(replica, cancellationToken);
    }

    private async ValueTask DeleteNamedReplicaAsync(DurableReplicaId replica, CancellationToken cancellationToken) =>
        await Control(
            async (connection, token) =>
            {
                if (await _dialect.FindReplicaAsync(connection, replica, token).ConfigureAwait(false) is { } rowId)
                {
                    await _dialect.DeleteReplicaAsync(connection, rowId, token).ConfigureAwait(false);
                }

                _replicas.Remove(replica);
                _fenced.TryRemove(replica, out _);
                return true;
            },
            cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<DurableReplicaId>> ListReplicasAsync(CancellationToken cancellationToken = default) =>
        Control(_dialect.ListReplicasAsync, cancellationToken);

    /// <summary>Writes what is queued, then closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        try
        {
            await _writer.ConfigureAwait(false);
        }
        finally
        {
            await _dialect.DisposeAsync().ConfigureAwait(false);
            _metrics.Dispose();
            StorageLog.Closed(_logger, _dialect.Description);
        }
    }

    private async ValueTask<T> Control<T>(Func<DbConnection, CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        if (_fault is { } fault)
        {
            throw fault;
        }

        var request = new ControlRequest<T>(action);
        await EnqueueAsync(request, cancellationToken).ConfigureAwait(false);
        return await request.Completion.ConfigureAwait(false);
    }

    private async ValueTask EnqueueWriteSlowlyAsync(WriteRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await EnqueueAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The batch never reached the queue, but the replica may already count on it: fence
            // the replica so no later batch of it is written past the gap.
            Fence(request.Batch.Replica);
            throw;
        }

        await request.Completion.ConfigureAwait(false);
    }

    private async ValueTask EnqueueAsync(StoreRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException closed)
        {
            throw _fault ?? new ObjectDisposedException($"{_dialect.Description} is closed.", closed) as Exception;
        }
    }

    private async Task<ReplicaDurableState> OpenOnWriterAsync(DbConnection connection, DurableReplicaId replica, CancellationToken cancellationToken)
    {
        long rowId = await _dialect.EnsureReplicaAsync(connection, replica, cancellationToken).ConfigureAwait(false);
        var entry = new ReplicaEntry(replica, rowId);

        // A replica that is reopened is not writable until its state has been verified again;
        // reopening is also what lifts a fence (the replica now starts from what is durable).
        _replicas.Remove(replica);
        _fenced.TryRemove(replica, out _);
        ReplicaDurableState state;
        try
        {
            state = await _dialect.LoadAsync(connection, entry, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageCorruptionException corrupt)
        {
            _metrics.Corrupt();
            StorageLog.Corrupt(_logger, _dialect.Description, replica, corrupt.Message);
            throw;
        }

        entry.Shape = ReplicaLogShape.Of(state);
        entry.NextSequence = (_submitted.TryGetValue(replica, out SubmissionCounter? submitted) ? Interlocked.Read(ref submitted.Value) : 0) + 1;
        _replicas[replica] = entry;
        return state;
    }

    private async Task RunAsync()
    {
        DbConnection? connection = null;
        var group = new List<StoreRequest>();
        try
        {
            connection = await OpenConnectionAsync().ConfigureAwait(false);
            var writes = new List<WriteRequest>();
            ChannelReader<StoreRequest> reader = _queue.Reader;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                if (_options.MaxGroupCommitDelay > TimeSpan.Zero)
                {
                    await Task.Delay(_options.MaxGroupCommitDelay, _time).ConfigureAwait(false);
                }

                Collect(reader, group);
                await ProcessAsync(connection, group, writes).ConfigureAwait(false);
                group.Clear();
            }

            // A clean close leaves every row where loads read it (SQLite: the staging table empty).
            if (connection is not null && _fault is null)
            {
                await _dialect.SettleAsync(connection, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception error)
        {
            // The loop's boundary: whatever stopped it (a bug, a missing native library) becomes
            // the store's fault, so every caller gets an answer, and the error still surfaces from
            // DisposeAsync.
            Fault(error);
            throw;
        }
        finally
        {
            if (_fault is { } fault)
            {
                _started.TrySetException(fault);
                _queue.Writer.TryComplete();
                foreach (StoreRequest request in group)
                {
                    request.Fail(fault);
                }

                while (_queue.Reader.TryRead(out StoreRequest? request))
                {
                    request.Fail(fault);
                }
            }

            if (connection is not null)
            {
                await _dialect.CloseAsync(connection).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Runs one collected group: consecutive writes share a transaction; other requests run alone, in order.</summary>
    private async Task ProcessAsync(DbConnection? connection, List<StoreRequest> group, List<WriteRequest> writes)
    {
        foreach (StoreRequest request in group)
        {
            if (request is WriteRequest write)
            {
                writes.Add(write);
                continue;
            }

            await CommitAsync(connection, writes).ConfigureAwait(false);
            if (_fault is { } fault || connection is null)
            {
                request.Fail(_fault!);
                continue;
            }

            await RunControlAsync(connection, (IControlRequest)request).ConfigureAwait(false);
        }

        await CommitAsync(connection, writes).ConfigureAwait(false);
    }

    private async Task<DbConnection?> OpenConnectionAsync()
    {
        try
        {
            DbConnection connection = await _dialect.OpenAsync(CancellationToken.None).ConfigureAwait(false);
            StorageLog.Opened(_logger, _dialect.Description);
            if (_dialect.DurabilityWarning is { } warning)
            {
                StorageLog.NotDurable(_logger, warning);
            }

            _started.TrySetResult();
            return connection;
        }
        catch (Exception error) when (IsStoreFailure(error) || error is StorageException)
        {
            // The database cannot be opened (in use, unreachable, newer schema): the store stays
            // faulted and answers every request with the reason.
            Fault(error);
            _started.TrySetException(_fault!);
            return null;
        }
    }

    /// <summary>Takes queued requests until the queue is empty or the group reaches its bounds.</summary>
    private void Collect(ChannelReader<StoreRequest> reader, List<StoreRequest> group)
    {
        long records = 0;
        long bytes = 0;
        while (records < _options.MaxGroupCommitRecords
            && bytes < _options.MaxGroupCommitBytes
            && reader.TryRead(out StoreRequest? request))
        {
            group.Add(request);
            if (request is WriteRequest write)
            {
                records += write.Batch.Records.Count;
                bytes += write.PayloadBytes;
            }
        }
    }

    private async Task CommitAsync(DbConnection? connection, List<WriteRequest> writes)
    {
        if (writes.Count == 0)
        {
            return;
        }

        if (_fault is { } fault || connection is null)
        {
            foreach (WriteRequest write in writes)
            {
                write.Fail(_fault!);
            }

            writes.Clear();
            return;
        }

        var plan = new GroupCommitPlan();
        var accepted = new List<WriteRequest>(writes.Count);
        long bytes = 0;
        foreach (WriteRequest write in writes)
        {
            if (TryPlan(plan, write))
            {
                accepted.Add(write);
                bytes += write.PayloadBytes;
            }
        }

        writes.Clear();
        if (accepted.Count == 0)
        {
            return;
        }

        plan.Seal();
        long start = Stopwatch.GetTimestamp();
        using Activity? span = StartCommitSpan(accepted, plan.RecordCount);
        try
        {
            await _dialect.CommitGroupAsync(connection, plan, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception error) when (IsStoreFailure(error))
        {
            span?.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
            // What the failed transaction left is unknown to us, and the shapes already include
            // its batches: stop the store rather than guess (fail-stop, STYLE §5).
            Fault(error);
            foreach (WriteRequest write in accepted)
            {
                write.Fail(_fault!);
            }

            return;
        }

        _metrics.Committed(accepted.Count, plan.RecordCount, bytes, start);
        long now = Stopwatch.GetTimestamp();
        foreach (WriteRequest write in accepted)
        {
            _metrics.WriteCompleted(write.EnqueuedTimestamp, now);
            write.Succeed();
        }
    }

    // One span per group commit, linked to the recorded requests among its batches; nothing is
    // built unless someone records spans and at least one batch belongs to a recorded request.
    private static Activity? StartCommitSpan(List<WriteRequest> accepted, int records)
    {
        if (!StorageMetrics.Source.HasListeners())
        {
            return null;
        }

        List<ActivityLink>? links = null;
        foreach (WriteRequest write in accepted)
        {
            if (write.Batch.TraceContext != default)
            {
                (links ??= []).Add(new ActivityLink(write.Batch.TraceContext));
            }
        }

        if (links is null)
        {
            return null;
        }

        // A root of its own (the writer serves many traces at once), linked to each of them.
        Activity? span = StorageMetrics.Source.StartActivity(StorageMetrics.CommitSpan, ActivityKind.Internal, default(ActivityContext), links: links);
        span?.SetTag("synod.storage.batches", accepted.Count);
        span?.SetTag("synod.storage.records", records);
        return span;
    }

    private bool TryPlan(GroupCommitPlan plan, WriteRequest write)
    {
        ReplicaWriteBatch batch = write.Batch;
        if (!_replicas.TryGetValue(batch.Replica, out ReplicaEntry? replica))
        {
            Reject(write, new StorageRejectedException(StorageRejection.UnknownReplica, batch.Replica, "the replica was not opened in this store (OpenReplicaAsync comes first)"));
            return false;
        }

        long expected = replica.NextSequence;
        replica.NextSequence = Math.Max(expected, write.Sequence + 1);
        if (write.Sequence > expected)
        {
            // A batch submitted before this one never arrived: it was abandoned.
            Fence(batch.Replica);
        }

        if (write.Sequence < expected || _fenced.ContainsKey(batch.Replica))
        {
            // Fenced, or submitted before the replica was last opened: either way, its replica no
            // longer expects it.
            Reject(write, Fenced(batch.Replica));
            return false;
        }

        ReplicaLogShape next;
        try
        {
            next = replica.Shape.Apply(batch);
        }
        catch (StorageRejectedException rejected)
        {
            // Expected for bad input: the batch is refused, the replica's log is unchanged, and
            // the replica is fenced so that none of its later batches lands past the refused one.
            Fence(batch.Replica);
            Reject(write, rejected);
            return false;
        }

        replica.Shape = next;
        plan.For(replica).Add(batch);
        return true;
    }

    private async Task RunControlAsync(DbConnection connection, IControlRequest request)
    {
        try
        {
            await request.RunAsync(connection, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StorageException refused)
        {
            // Corruption of one replica, or a newer schema: that request fails, the store serves on.
            request.Fail(refused);
        }
        catch (Exception error) when (IsStoreFailure(error))
        {
            Fault(error);
            request.Fail(_fault!);
        }
    }

    private void Fence(DurableReplicaId replica) => _fenced[replica] = true;

    private static StorageRejectedException Fenced(DurableReplicaId replica) =>
        new(StorageRejection.Fenced, replica, "an earlier write of this replica was rejected or abandoned; open the replica again to continue from what is durable");

    private static ReplicaWriteBatch Freeze(ReplicaWriteBatch batch) => new()
    {
        Replica = batch.Replica,
        Snapshot = batch.Snapshot,
        TruncateFrom = batch.TruncateFrom,
        Records = batch.Records?.ToArray() ?? throw new ArgumentException("Records must not be null.", nameof(batch)),
        Metadata = batch.Metadata,
        TraceContext = batch.TraceContext,
    };

    private static void RequireNamed(DurableReplicaId replica)
    {
        if (replica.Value is null)
        {
            throw new ArgumentException("The replica id is empty (default(DurableReplicaId)).", nameof(replica));
        }
    }

    private void Reject(WriteRequest write, StorageRejectedException rejected)
    {
        Rejected(rejected);
        write.Fail(rejected);
    }

    private void Rejected(StorageRejectedException rejected)
    {
        _metrics.Rejected(rejected.Reason);
        StorageLog.Rejected(_logger, _dialect.Description, rejected.Replica, rejected.Reason, rejected.Message);
    }

    private void Fault(Exception cause)
    {
        if (_fault is not null)
        {
            return;
        }

        _fault = new StorageFaultedException(
            $"{_dialect.Description} failed and accepts no more writes ({cause.Message}); restart the silo to recover from what is durable.",
            cause);
        StorageLog.Faulted(_logger, _dialect.Description, cause);
    }

    // What a database or its disk throws when it fails. Anything else is a bug and escapes to the
    // loop's boundary, which fail-stops the store with it.
    private static bool IsStoreFailure(Exception error) =>
        error is DbException or IOException or TimeoutException or SocketException or UnauthorizedAccessException;

    private static ILogger Logger(ILoggerFactory? loggerFactory) =>
        (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<AdoNetReplicaStore>();

    private static void Throw(ValidateOptionsResult result, Type options)
    {
        if (result.Failed)
        {
            throw new OptionsValidationException(options.Name, options, result.Failures);
        }
    }
}
