using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Synod.Consensus;
using Synod.Consensus.Pbft;
using Synod.Grains.Interfaces;
using Synod.Grains.Interfaces.Pbft;
using Synod.Grains.Interfaces.Streams;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.Raft;
using Synod.Grains.Telemetry;
using Synod.Grains.StatusBoard;
using Synod.Grains.Wire;
using Synod.Runtime.Storage;

namespace Synod.Grains.Pbft;

/// <summary>
/// One replica of a PBFT group, hosting the pure core (<see cref="PbftReplica"/>). Every input — a
/// peer's message from the <c>pbft</c> stream, a tick, a client's request — is one turn: step the
/// core, then drain its Ready: persist the core's durable state (and, when a checkpoint became
/// stable, the state at it) through the silo's store before sending, then send to the peers'
/// streams, execute committed batches in order and answer the clients with MAC'd replies.
/// </summary>
[ImplicitStreamSubscription(PbftReplicaKey.StreamNamespace)]
public sealed class PbftReplicaGrain :
    Grain,
    IStreamConsumer<PbftEnvelope>,
    ITickable,
    IDeferredRequestHandler<PbftClientCall, PbftReply>,
    IRequestHandler<PbftStatusRequest, PbftStatusReply>,
    IRequestHandler<PbftStateRequest, PbftStateReply>
{
    private static readonly TimeSpan StateFetchTimeout = TimeSpan.FromSeconds(2);
    private readonly IReplicaStore _store;
    private readonly IPbftGroupDirectory _directory;
    private readonly PbftReplicaOptions _options;
    private readonly ILogger _logger;
    private readonly PbftClientTable _clients;
    private readonly SortedDictionary<ulong, byte[]> _checkpoints = [];
    private PbftReplyWaiters _waiters = new(1);
    private PbftReplicaKey _key;
    private DurableReplicaId _durableId;
    private PbftReplica? _core;
    private PbftReplicaSecrets? _secrets;
    private PbftByzantineRewriter? _byzantine;
    private readonly ReplicaStatusBoard? _board;
    private PbftStatusPublisher? _publisher;
    private IReplicatedStateMachine? _machine;
    private int _replicaCount;
    private ulong _operations;
    private ulong _snapshotSequence;
    private byte[]? _persisted;
    private bool _pumpQueued;
    private bool _fetching;
    private long _ticks;
    private long _fetchNotBeforeTick;
    private string? _fault;
    private readonly ReplicaMetrics? _metrics;
    private PbftReplicaGauges? _gauges;

    /// <summary>Creates the grain; the runtime activates it. <paramref name="metrics"/>, when given, are the silo's instruments it reports to; <paramref name="board"/>, when given, receives the replica's status snapshots (the dashboard's).</summary>
    public PbftReplicaGrain(IReplicaStore store, IPbftGroupDirectory directory, PbftReplicaOptions options, ILogger<PbftReplicaGrain> logger, ReplicaMetrics? metrics = null, ReplicaStatusBoard? board = null)
    {
        _metrics = metrics;
        _board = board;
        _store = store;
        _directory = directory;
        _options = options;
        _clients = new PbftClientTable(options.MaxClients);
        _logger = logger;
    }

    /// <summary>The core, for tests and status; null until activated.</summary>
    public PbftReplica? Core => _core;

    /// <summary>Why the replica stopped, or null while it serves.</summary>
    public string? Fault => _fault;

    /// <inheritdoc/>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = PbftReplicaKey.Parse(Id.Key);
        int count = _directory.ReplicaCount(_key.Group)
            ?? throw new InvalidOperationException($"Group {_key.Group} is not a PBFT group known to this silo.");
        if (_key.Replica.Value >= count)
        {
            // Checked before touching the store, so a message for an unknown replica leaves no trace.
            throw new InvalidOperationException($"Group {_key.Group} has {count} replicas; there is no replica {_key.Replica}.");
        }

        _replicaCount = count;
        _durableId = new DurableReplicaId(_key.DurableName);
        _secrets = _directory.Secrets(_key.Group, _key.Replica);
        _waiters = new PbftReplyWaiters(_options.MaxWaitingClients);
        _machine = _directory.CreateStateMachine(_key.Group);
        ReplicaDurableState stored = await _store.OpenReplicaAsync(_durableId, cancellationToken);
        _core = Restore(stored);
        _gauges = _metrics?.RegisterPbft(_key.Group, (ulong)_key.Replica.Value);
        _gauges?.Publish(_core);
        PbftReplicaLog.Activated(_logger, _key.Group, _key.Replica, _core.View, _core.StableCheckpoint, new SequenceNumber(_snapshotSequence), _options.Byzantine);

        _publisher = _board is null ? null : new PbftStatusPublisher(_board, Id.Key, _key.Group, _key.Replica.Value, count);
        _publisher?.MaybePublish(_core, _fault, ByzantineName());

        // A restored replica re-executes the batches it decided above its state (next Ready).
        QueuePump();
    }

    /// <inheritdoc/>
    public override Task OnDeactivateAsync(CancellationToken cancellationToken)
    {
        _waiters.FailAll(Refusal(0, 0, "the replica is shutting down"));
        if (_gauges is not null)
        {
            _metrics!.Unregister(_gauges);
            _gauges = null;
        }

        _publisher?.Remove();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task OnNextAsync(StreamId stream, PbftEnvelope item, CancellationToken cancellationToken)
    {
        if (_core is null || _fault is not null)
        {
            return;
        }

        string? problem;
        if (item.Group != _key.Group)
        {
            problem = $"addressed to group {item.Group}";
        }
        else if (PbftWire.TryFromWire(item, out PbftMessage? decoded, out problem))
        {
            // The core checks sender, bounds and signature itself and counts what it drops.
            await StepAsync(() => _core.Step(decoded!), cancellationToken);
            return;
        }

        PbftReplicaLog.BadMessage(_logger, _key.Group, _key.Replica, problem ?? "undecodable");
    }

    /// <inheritdoc/>
    public async Task OnTickAsync(CancellationToken cancellationToken)
    {
        if (_core is null || _fault is not null)
        {
            return;
        }

        _ticks++;
        await StepAsync(_core.Tick, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<Task<PbftReply>> BeginAsync(PbftClientCall request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_core is null || _fault is not null)
        {
            return Answer(Refusal(0, 0, _fault ?? "the replica is not active"));
        }

        if (Byzantine()?.Mode == PbftByzantineMode.Silent)
        {
            // A silent replica neither relays nor answers; the client's timeout takes over.
            return ValueTask.FromResult(new TaskCompletionSource<PbftReply>().Task);
        }

        if (request.Group != _key.Group)
        {
            return Answer(Refusal(0, 0, $"this replica serves {_key.Group}, not {request.Group}"));
        }

        if (!PbftWire.TryFromWire(request.Request, out ClientRequest? client, out string? error))
        {
            return Answer(Refusal(0, 0, error!));
        }

        if (_clients.Find(client!.Client) is { } last && client.Timestamp <= last.Timestamp)
        {
            // Executed already: a repeated timestamp gets the same reply again (§4.1), an older one none.
            return Answer(client.Timestamp == last.Timestamp
                ? Reply(client.Client, client.Timestamp, last.Result.ToByteArray())
                : Refusal(client.Client, client.Timestamp, $"timestamp {client.Timestamp} is older than the client's last executed {last.Timestamp}"));
        }

        Task<PbftReply>? waiting = _waiters.TryWait(client.Client, client.Timestamp);
        if (waiting is null)
        {
            return Answer(Refusal(client.Client, client.Timestamp, "too many clients are waiting on this replica"));
        }

        _gauges?.RequestTaken();
        if (!_core.Submit(client))
        {
            // Already queued or relayed (a retry): the waiter registered above gets the reply. A bad
            // authenticator is counted by the core; that request never executes, and the client's
            // own timeout ends its wait.
            PbftReplicaLog.RefusedRequest(_logger, _key.Group, _key.Replica, $"client {client.Client} timestamp {client.Timestamp} not queued (duplicate, bad authenticator or full queue)");
        }

        QueuePump();
        return ValueTask.FromResult(waiting);
    }

    /// <inheritdoc/>
    public Task<PbftStatusReply> HandleAsync(PbftStatusRequest request, CancellationToken cancellationToken)
    {
        var reply = new PbftStatusReply
        {
            Group = _key.Group,
            Replica = (uint)_key.Replica.Value,
            Faulted = _fault is not null,
            Byzantine = ByzantineName(),
        };
        if (_core is { } core)
        {
            reply.View = core.View.Value;
            reply.Primary = (uint)core.View.Primary(_replicaCount).Value;
            reply.ViewChanging = core.IsViewChanging;
            reply.LastExecuted = core.LastExecuted.Value;
            reply.StableCheckpoint = core.StableCheckpoint.Value;
        }

        return Task.FromResult(reply);
    }

    /// <inheritdoc/>
    public Task<PbftStateReply> HandleAsync(PbftStateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reply = new PbftStateReply();
        if (Byzantine() is null && _checkpoints.TryGetValue(request.Sequence, out byte[]? state))
        {
            reply.State = ByteString.CopyFrom(state);
        }

        return Task.FromResult(reply);
    }

    private static ValueTask<Task<PbftReply>> Answer(PbftReply reply) => ValueTask.FromResult(Task.FromResult(reply));

    private PbftReplica Restore(ReplicaDurableState stored)
    {
        var config = new PbftConfig
        {
            ReplicaCount = _replicaCount,
            Id = _key.Replica,
            CheckpointInterval = _options.CheckpointInterval,
            WatermarkWindow = _options.WatermarkWindow,
            RequestTimeoutTicks = _options.RequestTimeoutTicks,
            RetransmitTicks = _options.RetransmitTicks,
            MaxViewChangeTimeoutTicks = _options.RequestTimeoutTicks * 32,
            MaxBatchSize = _options.MaxBatchSize,
            MaxOperationBytes = _options.MaxOperationBytes,
        };
        if (stored.Metadata is not { } metadata)
        {
            return new PbftReplica(config, _secrets!.Authenticator);
        }

        if (!PbftDurableWire.TryDecode(metadata.Span, out PbftDurableState? durable, out string? error))
        {
            throw new StorageCorruptionException(_durableId, null, $"PBFT replica {_key}: stored state unreadable: {error}");
        }

        if (stored.Snapshot is { } snapshot)
        {
            Install(PbftCheckpointState.Parser.ParseFrom(snapshot.Data.Span), snapshot.Data.ToArray());
            _snapshotSequence = snapshot.Index;
        }

        _persisted = metadata.ToArray();
        return new PbftReplica(config, _secrets!.Authenticator, durable!, new SequenceNumber(_snapshotSequence), _clients.ExecutedTimestamps);
    }

    private void Install(PbftCheckpointState state, byte[] bytes)
    {
        _machine!.Restore(state.Machine.Span);
        _clients.Load(state);
        _operations = state.Operations;
        _checkpoints[state.Sequence] = bytes;
    }

    private async Task StepAsync(Action step, CancellationToken cancellationToken)
    {
        try
        {
            step();
        }
        catch (InvariantViolationException breach)
        {
            Stop($"invariant breach: {breach.Message}");
            return;
        }

        await PumpAsync(cancellationToken);
    }

    private void QueuePump()
    {
        // Many requests queued in the mailbox share one Ready (one pre-prepare, one write).
        if (!_pumpQueued && Context.TryQueueTurn(token => { _pumpQueued = false; return PumpAsync(token); }))
        {
            _pumpQueued = true;
        }
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        PbftReplica? core = _core;
        while (core is not null && _fault is null && core.HasReady)
        {
            PbftReady ready = core.TakeReady();
            try
            {
                if (!await TryPersistAsync(core, cancellationToken))
                {
                    return;
                }

                await SendAsync(ready, cancellationToken);
                foreach (CommittedBatch batch in ready.Execute)
                {
                    Execute(core, batch);
                }

                if (ready.FetchStateUpTo is { } upTo && !await TryCatchUpAsync(core, upTo, cancellationToken))
                {
                    // The core keeps asking for the state (HasReady stays true): looping here would
                    // hold this turn, and so every message, tick and status call, until a peer had
                    // exactly that checkpoint, which may be never (peers keep only their latest).
                    break;
                }
            }
#pragma warning disable CA1031 // Fail-stop boundary: a Ready half handled leaves the replica inconsistent; it stops instead.
            catch (Exception error) when (error is not OperationCanceledException)
#pragma warning restore CA1031
            {
                Stop($"{error.GetType().Name} while handling a Ready: {error.Message}");
                return;
            }
        }

        if (core is not null)
        {
            _gauges?.Publish(core);
            _publisher?.MaybePublish(core, _fault, ByzantineName());
        }
    }

    /// <summary>
    /// The rewriter of the Byzantine mode in force. The mode is read from the options on every use,
    /// so the dev cluster's fault panel can switch it while the replica runs (issue 7).
    /// </summary>
    private PbftByzantineRewriter? Byzantine()
    {
        PbftByzantineMode mode = _options.Byzantine;
        if ((_byzantine?.Mode ?? PbftByzantineMode.None) != mode)
        {
            _byzantine = mode == PbftByzantineMode.None ? null : new PbftByzantineRewriter(mode, _secrets!.Authenticator);
        }

        return _byzantine;
    }

    private string ByzantineName() => _options.Byzantine == PbftByzantineMode.None ? string.Empty : _options.Byzantine.ToString();

    private async Task<bool> TryPersistAsync(PbftReplica core, CancellationToken cancellationToken)
    {
        PbftDurableState durable = core.ExportDurableState();
        byte[] metadata = PbftDurableWire.Encode(durable);
        ReplicaSnapshot? snapshot = null;
        ulong stable = durable.StableCheckpoint.Value;
        if (stable > _snapshotSequence && _checkpoints.TryGetValue(stable, out byte[]? state))
        {
            // Written in the same batch as the metadata that names this checkpoint stable, so a
            // restart always finds the state at (or below) the stable checkpoint it reads.
            snapshot = new ReplicaSnapshot(stable, durable.View.Value, state);
        }

        if (snapshot is null && _persisted is not null && metadata.AsSpan().SequenceEqual(_persisted))
        {
            return true;
        }

        try
        {
            await _store.WriteAsync(new ReplicaWriteBatch { Replica = _durableId, Metadata = metadata, Snapshot = snapshot }, cancellationToken);
        }
        catch (StorageException failure)
        {
            // Nothing of this Ready may be sent: the replica stops (fail-stop) and restarts from
            // what is durable when the silo reactivates it.
            Stop($"storage: {failure.Message}");
            return false;
        }

        _persisted = metadata;
        if (snapshot is not null)
        {
            _snapshotSequence = stable;
            foreach (ulong old in _checkpoints.Keys.Where(k => k < stable).ToArray())
            {
                _checkpoints.Remove(old);
            }
        }

        return true;
    }

    private async Task SendAsync(PbftReady ready, CancellationToken cancellationToken)
    {
        PbftByzantineRewriter? byzantine = Byzantine();
        foreach (PbftOutgoing outgoing in ready.Messages)
        {
            PbftEnvelope? plain = null;
            for (int to = 0; to < _replicaCount; to++)
            {
                var peer = new ReplicaIndex(to);
                if (peer == _key.Replica || (outgoing.To is { } target && target != peer))
                {
                    continue;
                }

                PbftEnvelope envelope;
                if (byzantine is null)
                {
                    envelope = plain ??= PbftWire.ToWire(_key.Group, outgoing.Message);
                }
                else if (byzantine.Rewrite(outgoing.Message, peer) is { } rewritten)
                {
                    envelope = PbftWire.ToWire(_key.Group, rewritten);
                }
                else
                {
                    continue;
                }

                var key = new PbftReplicaKey(_key.Group, peer);
                IAsyncStream<PbftEnvelope> stream = Context.Streams.GetStream<PbftEnvelope>(new StreamId(PbftReplicaKey.StreamNamespace, key.ToString()));
                await stream.OnNextAsync(envelope, cancellationToken);
            }
        }
    }

    private void Execute(PbftReplica core, CommittedBatch batch)
    {
        foreach (ClientRequest request in batch.Batch)
        {
            if (_clients.Find(request.Client) is { } last && request.Timestamp <= last.Timestamp)
            {
                continue;
            }

            byte[] result = Run(request.Operation.Span);
            _gauges?.RequestExecuted();
            _clients.Record(request.Client, request.Timestamp, result, batch.Sequence.Value);
            _waiters.Complete(request.Client, request.Timestamp, Reply(request.Client, request.Timestamp, result), Pending(request.Client, request.Timestamp));
        }

        if (batch.Sequence.Value % (ulong)_options.CheckpointInterval == 0)
        {
            var state = new PbftCheckpointState { Sequence = batch.Sequence.Value, Operations = _operations, Machine = ByteString.CopyFrom(_machine!.Snapshot()) };
            _clients.WriteTo(state);
            byte[] bytes = state.ToByteArray();
            _checkpoints[batch.Sequence.Value] = bytes;
            core.ReportCheckpoint(batch.Sequence, Digest.Of(bytes));
        }
    }

    // Deterministic on every correct replica: the same operations in the same order give the same
    // results; an operation that is not a PbftOperation gives an empty result everywhere.
    private byte[] Run(ReadOnlySpan<byte> operation)
    {
        PbftOperation decoded;
        try
        {
            decoded = PbftOperation.Parser.ParseFrom(operation);
        }
        catch (InvalidProtocolBufferException)
        {
            // A client's malformed operation: agreed on like any other, answered with nothing.
            return [];
        }

        switch (decoded.KindCase)
        {
            case PbftOperation.KindOneofCase.Command:
                _operations++;
                return _machine!.Apply(_operations, decoded.Command.Span);
            case PbftOperation.KindOneofCase.Query:
                return _machine!.Query(decoded.Query.Span);
            default:
                return [];
        }
    }

    // Fetches the stable checkpoint's state and makes it durable with the metadata that names it,
    // so a restart does not need the same transfer again. A failed attempt is retried after a
    // retransmission period of ticks; meanwhile the replica steps messages, so a later stable
    // checkpoint (which peers do hold) can replace the one asked for. Returns whether it caught up.
    private async Task<bool> TryCatchUpAsync(PbftReplica core, SequenceNumber upTo, CancellationToken cancellationToken)
    {
        if (_fetching || _ticks < _fetchNotBeforeTick)
        {
            return false;
        }

        _fetching = true;
        try
        {
            for (int offset = 1; offset < _replicaCount; offset++)
            {
                var peer = new ReplicaIndex((_key.Replica.Value + offset) % _replicaCount);
                if (await TryFetchFromAsync(core, peer, upTo, cancellationToken))
                {
                    return await TryPersistAsync(core, cancellationToken);
                }
            }

            _fetchNotBeforeTick = _ticks + _options.RetransmitTicks;
            PbftReplicaLog.StateTransferPending(_logger, _key.Group, _key.Replica, upTo);
            return false;
        }
        finally
        {
            _fetching = false;
        }
    }

    private async Task<bool> TryFetchFromAsync(PbftReplica core, ReplicaIndex peer, SequenceNumber upTo, CancellationToken cancellationToken)
    {
        IGrainReference reference = Context.GrainFactory.GetGrain(GrainId.Create(PbftReplicaKey.GrainType, new PbftReplicaKey(_key.Group, peer).ToString()));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StateFetchTimeout);
        PbftStateReply reply;
        try
        {
            reply = await reference.InvokeAsync<PbftStateRequest, PbftStateReply>(new PbftStateRequest { Sequence = upTo.Value }, deadline.Token);
        }
#pragma warning disable CA1031 // The call failures are the runtime's types, which this layer does not reference (ARCHITECTURE: Grains uses Runtime's storage contract only).
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            // Whatever kept that peer from answering (its silo unreachable, its grain unavailable,
            // our deadline) only means another peer, or the next Ready, is asked instead; the
            // caller's own cancellation still propagates.
            return false;
        }

        byte[] bytes = reply.State.ToByteArray();
        if (bytes.Length == 0 || Digest.Of(bytes) != core.StableDigest || core.StableCheckpoint != upTo)
        {
            return false;
        }

        PbftCheckpointState state;
        try
        {
            state = PbftCheckpointState.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            // Matching digest but unparsable: 2f+1 replicas vouched for these bytes, so this cannot
            // come from a correct group; refuse it like a mismatch.
            return false;
        }

        Install(state, bytes);
        core.StateTransferred(upTo, _clients.ExecutedTimestamps);
        PbftReplicaLog.StateTransferred(_logger, _key.Group, _key.Replica, upTo, peer);
        return true;
    }

    private PbftReply Reply(ulong client, ulong timestamp, byte[] result)
    {
        var reply = new PbftReply
        {
            Status = PbftReply.Types.Status.Ok,
            View = _core!.View.Value,
            Client = client,
            Timestamp = timestamp,
            Replica = (uint)_key.Replica.Value,
            Result = ByteString.CopyFrom(Byzantine()?.RewriteResult(result) ?? result),
        };
        if (_secrets!.ClientKey(client) is { } key)
        {
            reply.Mac = ByteString.CopyFrom(PbftReplyMac.Compute(key, _key.Group, reply));
        }

        return reply;
    }

    private PbftReply Pending(ulong client, ulong timestamp) => new()
    {
        Status = PbftReply.Types.Status.Pending,
        Client = client,
        Timestamp = timestamp,
        Replica = (uint)_key.Replica.Value,
        Detail = "a later request of the client executed first",
    };

    private PbftReply Refusal(ulong client, ulong timestamp, string detail) => new()
    {
        Status = PbftReply.Types.Status.Rejected,
        Client = client,
        Timestamp = timestamp,
        Replica = (uint)_key.Replica.Value,
        Detail = detail,
    };

    private void Stop(string reason)
    {
        _fault = reason;
        PbftReplicaLog.Stopped(_logger, _key.Group, _key.Replica, reason);
        _waiters.FailAll(Refusal(0, 0, reason));
        if (_core is { } core)
        {
            _publisher?.MaybePublish(core, reason, ByzantineName());
        }

        // The next message reactivates the replica from what is durable, as a restarted process would.
        Context.DeactivateOnIdle();
    }
}
