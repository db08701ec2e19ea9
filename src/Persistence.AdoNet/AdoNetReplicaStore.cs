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
    private readonly StorageMetrics _metrics;
    private readonly Channel<StoreRequest> _queue;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _writer;

    // Owned by the writer loop; never touched by callers.
    private readonly Dictionary<DurableReplicaId, ReplicaEntry> _replicas = [];
    private volatile StorageFaultedException? _fault;
    private int _disposed;

    private AdoNetReplicaStore(StoreDialect dialect, ReplicaStoreOptions options, ILogger logger, IMeterFactory? meterFactory)
    {
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
    public static AdoNetReplicaStore OpenSqlite(SqliteReplicaStoreOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Throw(new SqliteReplicaStoreOptionsValidator().Validate(null, options), typeof(SqliteReplicaStoreOptions));
        return new AdoNetReplicaStore(new SqliteDialect(options), options, Logger(loggerFactory), meterFactory);
    }

    /// <summary>Opens (creating the schema when missing) the PostgreSQL store described by <paramref name="options"/>.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public static AdoNetReplicaStore OpenPostgres(PostgresReplicaStoreOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Throw(new PostgresReplicaStoreOptionsValidator().Validate(null, options), typeof(PostgresReplicaStoreOptions));
        return new AdoNetReplicaStore(new PostgresDialect(options), options, Logger(loggerFactory), meterFactory);
    }

    /// <inheritdoc/>
    public ValueTask WriteAsync(ReplicaWriteBatch batch, CancellationToken cancellationToken = default)
    {
        try
        {
            ReplicaWriteValidator.Check(batch, _options);
        }
        catch (StorageRejectedException rejected)
        {
            Rejected(rejected);
            return ValueTask.FromException(rejected);
        }

        if (_fault is { } fault)
        {
            return ValueTask.FromException(fault);
        }

        var request = new WriteRequest(batch, batch.PayloadBytes);
        return _queue.Writer.TryWrite(request)
            ? new ValueTask(request.Completion)
            : EnqueueSlowlyAsync(request, request.Completion, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<ReplicaDurableState> OpenReplicaAsync(DurableReplicaId replica, CancellationToken cancellationToken = default) =>
        Control((connection, token) => OpenOnWriterAsync(connection, replica, token), cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DeleteReplicaAsync(DurableReplicaId replica, CancellationToken cancellationToken = default) =>
        await Control(
            async (connection, token) =>
            {
                long rowId = await _dialect.EnsureReplicaAsync(connection, replica, token).ConfigureAwait(false);
                await _dialect.DeleteReplicaAsync(connection, rowId, token).ConfigureAwait(false);
                _replicas.Remove(replica);
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
        await EnqueueSlowlyAsync(request, Task.CompletedTask, cancellationToken).ConfigureAwait(false);
        return await request.Completion.ConfigureAwait(false);
    }

    private async ValueTask EnqueueSlowlyAsync(StoreRequest request, Task completion, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException closed)
        {
            throw new ObjectDisposedException($"{_dialect.Description} is closed.", closed);
        }

        await completion.ConfigureAwait(false);
    }

    private async Task<ReplicaDurableState> OpenOnWriterAsync(DbConnection connection, DurableReplicaId replica, CancellationToken cancellationToken)
    {
        long rowId = await _dialect.EnsureReplicaAsync(connection, replica, cancellationToken).ConfigureAwait(false);
        var entry = new ReplicaEntry(replica, rowId);

        // A replica that is reopened is not writable until its state has been verified again.
        _replicas.Remove(replica);
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
        _replicas[replica] = entry;
        return state;
    }

    private async Task RunAsync()
    {
        DbConnection? connection = await OpenConnectionAsync().ConfigureAwait(false);
        bool drained = false;
        var group = new List<StoreRequest>();
        try
        {
            var writes = new List<WriteRequest>();
            ChannelReader<StoreRequest> reader = _queue.Reader;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                if (_options.MaxGroupCommitDelay > TimeSpan.Zero)
                {
                    await Task.Delay(_options.MaxGroupCommitDelay).ConfigureAwait(false);
                }

                Collect(reader, group);
                foreach (StoreRequest request in group)
                {
                    if (_fault is { } fault || connection is null)
                    {
                        request.Fail(_fault!);
                    }
                    else if (request is WriteRequest write)
                    {
                        writes.Add(write);
                    }
                    else
                    {
                        await CommitAsync(connection, writes).ConfigureAwait(false);
                        await RunControlAsync(connection, (IControlRequest)request).ConfigureAwait(false);
                    }
                }

                if (connection is not null)
                {
                    await CommitAsync(connection, writes).ConfigureAwait(false);
                }

                group.Clear();
            }

            drained = true;
        }
        finally
        {
            if (!drained)
            {
                // An unexpected error escaped the loop: fail-stop, so no caller waits forever.
                Fault(new InvalidOperationException("The store's writer loop stopped unexpectedly."));
                _queue.Writer.TryComplete();

                // The requests of the interrupted group too: Fail leaves completed ones as they are.
                foreach (StoreRequest request in group)
                {
                    request.Fail(_fault!);
                }

                while (_queue.Reader.TryRead(out StoreRequest? request))
                {
                    request.Fail(_fault!);
                }
            }

            if (connection is not null)
            {
                await _dialect.CloseAsync(connection).ConfigureAwait(false);
            }
        }
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

    private async Task CommitAsync(DbConnection connection, List<WriteRequest> writes)
    {
        if (writes.Count == 0)
        {
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
        try
        {
            await using DbTransaction transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            await _dialect.ApplyAsync(connection, transaction, plan, CancellationToken.None).ConfigureAwait(false);
            await transaction.CommitAsync().ConfigureAwait(false);
        }
        catch (Exception error) when (IsStoreFailure(error))
        {
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

    private bool TryPlan(GroupCommitPlan plan, WriteRequest write)
    {
        ReplicaWriteBatch batch = write.Batch;
        if (!_replicas.TryGetValue(batch.Replica, out ReplicaEntry? replica))
        {
            Reject(write, new StorageRejectedException(StorageRejection.UnknownReplica, batch.Replica, "the replica was not opened in this store (OpenReplicaAsync comes first)"));
            return false;
        }

        ReplicaLogShape next;
        try
        {
            next = replica.Shape.Apply(batch);
        }
        catch (StorageRejectedException rejected)
        {
            // Expected for bad input: the batch is refused, the replica's log is unchanged.
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

    private static bool IsStoreFailure(Exception error) =>
        error is DbException or IOException or TimeoutException or SocketException or UnauthorizedAccessException or InvalidOperationException;

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
