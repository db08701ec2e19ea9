using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Synod.Consensus;
using Synod.Consensus.Raft;
using Synod.Grains.Interfaces;
using Synod.Grains.Interfaces.Streams;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.Telemetry;
using Synod.Grains.Wire;
using Synod.Grains.StatusBoard;
using Synod.Runtime.Storage;

namespace Synod.Grains.Raft;

/// <summary>
/// One replica of a Raft group, hosting the pure core (<see cref="RaftNode"/>). Every input — a
/// peer's message from the <c>raft</c> stream, a tick of the silo timer, a client's proposal or
/// read — is one turn: step the core, then drain its Ready in the contract's order: persist
/// (through the silo's store, group-committed with every other replica) before sending, then
/// send to the peers' streams, apply committed entries, answer clients, advance.
/// </summary>
[ImplicitStreamSubscription(RaftReplicaKey.StreamNamespace)]
public sealed class RaftReplicaGrain :
    Grain,
    IStreamConsumer<RaftEnvelope>,
    ITickable,
    IPeerSiloObserver,
    IDeferredRequestHandler<ReplicaProposal, ReplicaAnswer>,
    IDeferredRequestHandler<ReplicaRead, ReplicaAnswer>,
    IDeferredRequestHandler<ReplicaMembershipChange, ReplicaAnswer>,
    IRequestHandler<ReplicaStatusRequest, ReplicaStatusReply>
{
    private readonly IReplicaStore _store;
    private readonly IRaftGroupDirectory _directory;
    private readonly RaftReplicaOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ReplicaMetrics? _metrics;
    private RaftReplicaGauges? _gauges;

    // Pending proposals that carry a span: while none does, nothing looks for one (issue 7).
    private int _tracedProposals;
    private readonly ReplicaStatusBoard? _board;
    private RaftStatusPublisher? _publisher;
    private readonly Dictionary<ulong, PendingProposal> _proposals = [];
    private readonly Dictionary<ulong, PendingRead> _reads = [];
    private RaftReplicaKey _key;
    private DurableReplicaId _durableId;
    private RaftNode? _node;
    private IReplicatedStateMachine? _machine;
    private ulong _storedLastIndex;

    // The term and vote on disk: a leader's Ready that changes neither may leave before it is persisted.
    private Term _storedTerm;
    private ReplicaId _storedVote;

    // A hard state whose only change was the commit index, not yet written: it goes to disk with the
    // next write that must sync anyway (entries, a term or a vote). A commit index
    // need not be durable (etcd's MustSync likewise): after a restart the leader tells it again.
    private HardState? _unwrittenHardState;
    private ulong _snapshotIndex;
    private ulong _nextReadContext = 1;
    private bool _pumpQueued;

    // Whether the silo timer ticks this replica: not while the core is quiet (issue 6).
    private bool _ticking = true;

    // The silo's tick count for the tick being stepped, and the step itself, made once: a tick
    // runs 100 times a second on every awake replica, so it allocates no closure.
    private long _sharedTick;
    private Action? _tickStep;
    private int _ticksSinceBalance;
    private string? _fault;
    private Term? _timedTerm;
    private ulong _timeBaseMs;
    private long _timeBaseStamp;

    /// <summary>
    /// Creates the grain; the runtime activates it. <paramref name="time"/> (the system's by
    /// default) is the monotonic clock a leader stamps a <see cref="ILeaderTimedMachine"/>'s commands with;
    /// <paramref name="metrics"/>, when given, the silo's instruments this replica reports to;
    /// <paramref name="board"/>, when given, receives the replica's status snapshots (the dashboard's).
    /// </summary>
    public RaftReplicaGrain(IReplicaStore store, IRaftGroupDirectory directory, RaftReplicaOptions options, ILogger<RaftReplicaGrain> logger, TimeProvider? time = null, ReplicaMetrics? metrics = null, ReplicaStatusBoard? board = null)
    {
        _metrics = metrics;
        _board = board;
        _store = store;
        _directory = directory;
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The core's status, for tests and the status API.</summary>
    public RaftStatus? Status => _node?.GetStatus();

    /// <summary>Whether the replica is quiet (not ticked, sending nothing), for tests and the status API.</summary>
    public bool IsQuiet => _node?.IsQuiet ?? false;

    /// <summary>Why the replica stopped, or null while it serves.</summary>
    public string? Fault => _fault;

    /// <inheritdoc/>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = RaftReplicaKey.Parse(Id.Key);
        _durableId = new DurableReplicaId(_key.ToString());
        if (_directory.InitialMembership(_key.Group, _key.Replica) is null)
        {
            // Checked before touching the store, so a message for an unknown group leaves no trace.
            throw new InvalidOperationException($"Group {_key.Group} is unknown to this silo.");
        }

        ReplicaDurableState stored = await _store.OpenReplicaAsync(_durableId, cancellationToken);
        _machine = _directory.CreateStateMachine(_key.Group);
        _node = Restore(stored);
        _snapshotIndex = stored.Snapshot?.Index ?? 0;
        _storedLastIndex = stored.LastIndex;
        (_storedTerm, _storedVote) = (_node.Term, _node.Vote);
        _gauges = _metrics?.Register(_key.Group, _key.Replica.Value);
        _gauges?.Publish(_node);
        RaftReplicaLog.Activated(_logger, _key.Group, _key.Replica, _node.Term, _node.LastPosition.Index, _node.CommitIndex);
        _publisher = _board is null ? null : new RaftStatusPublisher(_board, Id.Key, _key.Group, _key.Replica.Value);
        _publisher?.MaybePublish(_node, _fault);
    }

    /// <inheritdoc/>
    public override async Task OnDeactivateAsync(CancellationToken cancellationToken)
    {
        if (_node is { Role: RaftRole.Leader } node && _fault is null)
        {
            // Hand leadership to the most caught-up peer so the group does not wait a full
            // election timeout for this silo's shutdown (issue 5: graceful shutdown).
            // The most caught-up voter that answered recently: it can take over at once, without
            // the core first having to bring it up to date.
            ReplicaId target = node.GetStatus().Progress
                .Where(p => p.Id != node.Id && !p.IsLearner && p.RecentActive)
                .OrderByDescending(p => p.Match.Value)
                .Select(p => p.Id)
                .FirstOrDefault();
            if (!target.IsNone)
            {
                node.TransferLeadership(target);
                await PumpAsync(cancellationToken);
            }
        }

        FailAll(ReplicaAnswers.Unavailable("the replica is shutting down"));
        if (_gauges is not null)
        {
            _metrics!.Unregister(_gauges);
            _gauges = null;
        }
        _publisher?.Remove();
    }

    /// <inheritdoc/>
    public async Task OnNextAsync(StreamId stream, RaftEnvelope item, CancellationToken cancellationToken)
    {
        if (_node is null || _fault is not null)
        {
            return;
        }

        string? problem = null;
        if (item.Group != _key.Group)
        {
            problem = $"addressed to group {item.Group}";
        }
        else if (!RaftWire.TryFromWire(item, out RaftMessage? decoded, out string? error))
        {
            problem = error;
        }
        else if (decoded!.To != _node.Id)
        {
            problem = $"addressed to replica {decoded.To}";
        }
        else
        {
            // A recorded request's entries: the follower's persisting joins the leader's trace.
            using Activity? span = item.TraceParent.Length > 0 ? StartRemoteSpan(item.TraceParent) : null;
            await StepAsync(() => _node.Step(decoded), cancellationToken);
            return;
        }

        _gauges?.Rejected();
        RaftReplicaLog.BadMessage(_logger, _key.Group, _key.Replica, problem ?? "undecodable");
    }


    /// <inheritdoc/>
    public async Task OnTickAsync(CancellationToken cancellationToken)
    {
        if (_node is null || _fault is not null)
        {
            return;
        }

        _sharedTick = Context.TickCount;
        await StepAsync(_tickStep ??= () => _node?.Tick(_sharedTick), cancellationToken);

        // Every election timeout + 1 ticks (CheckQuorum clears RecentActive every election timeout,
        // and a period one longer moves the check through every phase of that round), and on the
        // tick a leader goes quiet: then every follower is known caught up and answering, and a
        // quiet leader is not ticked again to check later.
        if (_options.PreferredLeaderBalancing && _node is { Role: RaftRole.Leader } && (++_ticksSinceBalance > _options.ElectionTimeoutTicks || _node.IsQuiet))
        {
            _ticksSinceBalance = 0;
            await MaybeTransferToPreferredAsync(_node, cancellationToken);
        }
    }

    /// <inheritdoc/>
    public async Task OnPeerSiloChangedAsync(int silo, bool isUp, CancellationToken cancellationToken)
    {
        if (isUp || _node is not { IsQuiet: true } node || _fault is not null || !HasPeerOn(node, silo))
        {
            return;
        }

        // A quiet follower would never notice its leader's death, nor a quiet leader its quorum's:
        // the silo's liveness wakes them, and their clocks (elections, CheckQuorum) run again.
        RaftReplicaLog.WokenByPeerSilo(_logger, _key.Group, _key.Replica, silo);
        await StepAsync(node.Wake, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<Task<ReplicaAnswer>> BeginAsync(ReplicaProposal request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_node is null || _fault is not null)
        {
            return Answer(ReplicaAnswers.Unavailable(_fault ?? "the replica is not active"));
        }

        if (request.Command.Length > _options.MaxCommandBytes)
        {
            return Answer(ReplicaAnswers.Rejected($"the command has {request.Command.Length} bytes; the limit is {_options.MaxCommandBytes}"));
        }

        byte[] command = request.Command.ToByteArray();
        if (_machine is ILeaderTimedMachine timed)
        {
            command = timed.StampLeaderTime(command, LeaderTimeMs(timed, _node));
        }

        ProposeResult result = _node.Propose(command);
        if (!result.Accepted)
        {
            return Answer(ReplicaAnswers.ForRejection(result));
        }

        var answer = new TaskCompletionSource<ReplicaAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        _proposals[result.Position.Index.Value] = new PendingProposal(result.Position.Term, answer, _metrics is null ? 0 : Stopwatch.GetTimestamp(), StartProposeSpan(result.Position.Index.Value));
        _gauges?.Proposed();
        QueuePump();
        return ValueTask.FromResult(answer.Task);
    }

    /// <inheritdoc/>
    public ValueTask<Task<ReplicaAnswer>> BeginAsync(ReplicaRead request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_node is null || _fault is not null)
        {
            return Answer(ReplicaAnswers.Unavailable(_fault ?? "the replica is not active"));
        }

        if (request.UnsafeLocal)
        {
            // The deliberately broken mode of Synod:Testing:UnsafeLocalReads: any role, no ReadIndex.
            return Answer(_machine is not null
                ? ReplicaAnswers.Ok(_node.AppliedIndex.Value, _machine.Query(request.Query.ToByteArray()))
                : ReplicaAnswers.Unavailable("the replica has no state machine"));
        }

        if (request.Stale)
        {
            return Answer(_node.Role == RaftRole.Leader && _machine is not null
                ? ReplicaAnswers.Ok(_node.AppliedIndex.Value, _machine.Query(request.Query.ToByteArray()))
                : ReplicaAnswers.NotLeader(_node.Leader));
        }

        ulong context = _nextReadContext++;
        RequestResult result = _node.ReadIndex(context);
        if (!result.Accepted)
        {
            return Answer(result.Reason is RejectReason.NotLeader or RejectReason.LeaderNotReady
                ? ReplicaAnswers.NotLeader(result.LeaderHint)
                : ReplicaAnswers.Rejected($"{result.Reason}: {result.Detail}", result.LeaderHint));
        }

        var read = new PendingRead(request.Query.ToByteArray(), new TaskCompletionSource<ReplicaAnswer>(TaskCreationOptions.RunContinuationsAsynchronously));
        _reads[context] = read;
        QueuePump();
        return ValueTask.FromResult(read.Answer.Task);
    }

    /// <inheritdoc/>
    public ValueTask<Task<ReplicaAnswer>> BeginAsync(ReplicaMembershipChange request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_node is null || _fault is not null)
        {
            return Answer(ReplicaAnswers.Unavailable(_fault ?? "the replica is not active"));
        }

        if (_node.Role != RaftRole.Leader)
        {
            return Answer(ReplicaAnswers.NotLeader(_node.Leader));
        }

        var replica = new ReplicaId(request.Replica);
        Membership membership = _node.Membership;
        (MembershipChangeKind kind, bool done) = request.Kind switch
        {
            ReplicaMembershipChange.Types.Kind.AddLearner => (MembershipChangeKind.AddLearner, membership.Contains(replica)),
            ReplicaMembershipChange.Types.Kind.PromoteLearner => (MembershipChangeKind.PromoteLearner, membership.IsVoter(replica)),
            ReplicaMembershipChange.Types.Kind.RemoveReplica => (MembershipChangeKind.RemoveReplica, !membership.Contains(replica)),
            _ => ((MembershipChangeKind)0, false),
        };
        if (kind == 0 || replica.IsNone)
        {
            return Answer(ReplicaAnswers.Rejected("a membership change needs a kind and a replica"));
        }

        if (done)
        {
            // Already as asked (a repeated step of a move): OK only once everything in the log is
            // committed, so the caller never acts on a change that could still be lost.
            return Answer(_node.CommitIndex.Value >= _node.LastPosition.Index.Value
                ? ReplicaAnswers.Ok(_node.CommitIndex.Value, [])
                : ReplicaAnswers.Rejected("the log has uncommitted entries; retry", _node.Leader));
        }

        ProposeResult result = _node.ProposeMembershipChange(new MembershipChange(kind, replica));
        if (!result.Accepted)
        {
            return Answer(ReplicaAnswers.ForRejection(result));
        }

        var answer = new TaskCompletionSource<ReplicaAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        _proposals[result.Position.Index.Value] = new PendingProposal(result.Position.Term, answer);
        QueuePump();
        return ValueTask.FromResult(answer.Task);
    }

    /// <inheritdoc/>
    public Task<ReplicaStatusReply> HandleAsync(ReplicaStatusRequest request, CancellationToken cancellationToken)
    {
        var reply = new ReplicaStatusReply { Group = _key.Group, Replica = _key.Replica.Value, Faulted = _fault is not null };
        if (_node is { } node)
        {
            reply.Role = node.Role.ToString();
            reply.Term = node.Term.Value;
            reply.Leader = node.Leader.Value;
            reply.Commit = node.CommitIndex.Value;
            reply.Applied = node.AppliedIndex.Value;
            reply.LastIndex = node.LastPosition.Index.Value;
            reply.Quiet = node.IsQuiet;
            reply.Voters.AddRange(node.Membership.Voters.Select(v => v.Value));
            reply.Learners.AddRange(node.Membership.Learners.Select(l => l.Value));
        }

        return Task.FromResult(reply);
    }

    // A span from acceptance to apply, child of the caller's (the gateway's call); null unless the
    // caller is traced and someone records. It outlives this turn, so the turn's current span is
    // put back as it was.
    private Activity? StartProposeSpan(ulong index)
    {
        // Only a traced caller's proposal: internal proposals (sessions, the directory) start no trace.
        Activity? current = Activity.Current;
        if (current is null || !GrainTelemetry.Source.HasListeners())
        {
            return null;
        }

        Activity? span = GrainTelemetry.Source.StartActivity(GrainTelemetry.ProposeSpan, ActivityKind.Internal);
        if (span is null)
        {
            return null;
        }

        Activity.Current = current;
        span.SetTag("synod.group", _key.Group);
        span.SetTag("synod.replica", _key.Replica.Value);
        span.SetTag("synod.raft.index", index);
        _tracedProposals++;
        return span;
    }

    private static Activity? StartRemoteSpan(string traceParent) =>
        GrainTelemetry.Source.HasListeners() && ActivityContext.TryParse(traceParent, null, isRemote: true, out ActivityContext parent)
            ? GrainTelemetry.Source.StartActivity(GrainTelemetry.AppendSpan, ActivityKind.Consumer, parent)
            : null;

    // The span of the first recorded proposal among these entries, if any proposal is recorded.
    private Activity? TracedProposal(ImmutableArray<Entry> entries)
    {
        if (_tracedProposals == 0)
        {
            return null;
        }

        foreach (Entry entry in entries)
        {
            if (_proposals.TryGetValue(entry.Index.Value, out PendingProposal? pending) && pending.Span is not null)
            {
                return pending.Span;
            }
        }

        return null;
    }

    private void EndSpan(PendingProposal pending, bool ok)
    {
        if (pending.Span is { } span)
        {
            _tracedProposals--;
            if (!ok)
            {
                span.SetStatus(ActivityStatusCode.Error);
            }

            GrainTelemetry.StopDetached(span);
        }
    }

    // The locks.proto contract: base + elapsed monotonic time since this leader's term began
    // (its first entry applied); the machine's own time until then.
    private ulong LeaderTimeMs(ILeaderTimedMachine timed, RaftNode node) =>
        node.Role == RaftRole.Leader && _timedTerm == node.Term
            ? _timeBaseMs + (ulong)_time.GetElapsedTime(_timeBaseStamp).TotalMilliseconds
            : timed.ObservedTimeMs;

    // Takes the time base once the leader has applied an entry of its own term: every earlier
    // entry is applied then, so the base is the largest time any leader proposed and committed.
    private void MaybeStartLeaderClock(Entry entry, RaftNode node)
    {
        if (_machine is ILeaderTimedMachine timed && node.Role == RaftRole.Leader && entry.Term == node.Term && _timedTerm != node.Term)
        {
            _timedTerm = node.Term;
            _timeBaseMs = timed.ObservedTimeMs;
            _timeBaseStamp = _time.GetTimestamp();
        }
    }

    // The preferred leader rotates with the group's number (the digits that end its name, 0 when
    // there are none): voter (number mod voters) in ascending id order. Placement puts the replicas
    // of consecutive groups on the silos in the same order, so preferred leaders spread evenly.
    // Leadership goes back to the preferred voter once it holds the whole log and answered within
    // the last election timeout, so a returning silo leads again.
    private async Task MaybeTransferToPreferredAsync(RaftNode node, CancellationToken cancellationToken)
    {
        RaftStatus status = node.GetStatus();
        ImmutableArray<ReplicaId> voters = node.Membership.Voters;
        ReplicaId preferred = voters.IsEmpty ? ReplicaId.None : voters[(int)(GroupNumber(_key.Group) % (ulong)voters.Length)];
        if (preferred.IsNone || preferred == node.Id || !status.TransferTarget.IsNone)
        {
            return;
        }

        ReplicaProgress target = status.Progress.FirstOrDefault(p => p.Id == preferred);
        if (target.Id == preferred && target.RecentActive && target.Match == node.LastPosition.Index)
        {
            RaftReplicaLog.TransferringToPreferred(_logger, _key.Group, _key.Replica, preferred, node.Term);
            await StepAsync(() => node.TransferLeadership(preferred), cancellationToken);
        }
    }

    private static ulong GroupNumber(string group)
    {
        int start = group.Length;
        while (start > 0 && char.IsAsciiDigit(group[start - 1]))
        {
            start--;
        }

        return ulong.TryParse(group.AsSpan(start), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong number) ? number : 0;
    }

    private bool HasPeerOn(RaftNode node, int silo)
    {
        foreach (ReplicaId peer in node.Membership.Voters.Concat(node.Membership.Learners))
        {
            if (peer != node.Id && Context.SiloOf(GrainId.Create(RaftReplicaKey.GrainType, new RaftReplicaKey(_key.Group, peer).ToString())) == silo)
            {
                return true;
            }
        }

        return false;
    }

    private static ValueTask<Task<ReplicaAnswer>> Answer(ReplicaAnswer answer) => ValueTask.FromResult(Task.FromResult(answer));

    private RaftNode Restore(ReplicaDurableState stored)
    {
        var config = new RaftConfig
        {
            Id = _key.Replica,
            ElectionTimeoutTicks = _options.ElectionTimeoutTicks,
            HeartbeatTicks = _options.HeartbeatTicks,
            Quiescence = _options.Quiescence,
        };

        // Elections need real randomness in production; the core only ever sees this source.
        var random = new SplitMix64Random((ulong)Random.Shared.NextInt64());
        if (stored.IsEmpty)
        {
            Membership voters = _directory.InitialMembership(_key.Group, _key.Replica)
                ?? throw new InvalidOperationException($"Group {_key.Group} is unknown to this silo's directory.");
            return RaftNode.CreateNew(config, random, voters);
        }

        Snapshot snapshot = stored.Snapshot is { } s ? DurableRaftState.DecodeSnapshot(s) : Snapshot.Initial(_directory.InitialMembership(_key.Group, _key.Replica) ?? Membership.Empty);
        if (stored.Snapshot is not null)
        {
            _machine!.Restore(snapshot.Data.Span);
        }

        HardState hard = stored.Metadata is { } metadata ? DurableRaftState.DecodeHardState(metadata.Span) : default;
        return new RaftNode(config, random, hard, snapshot, [.. stored.Records.Select(DurableRaftState.ToEntry)]);
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
        // Many proposals queued in the mailbox share one Ready (one write, one append per peer).
        if (!_pumpQueued && Context.TryQueueTurn(token => { _pumpQueued = false; return PumpAsync(token); }))
        {
            _pumpQueued = true;
        }
    }

    /// <remarks>
    /// The order follows <see cref="Ready"/> with two overlaps that cost no safety (thesis §10.2.1):
    /// <list type="bullet">
    /// <item>A leader whose Ready changes neither its term nor its vote sends its messages before
    /// persisting: they are appends and heartbeats, which promise nothing about the leader's own
    /// disk, and the core counts the leader towards a commit only for entries it was told are
    /// persisted (at Advance). The followers' writes then run in parallel with the leader's.</item>
    /// <item>Committed entries already on this replica's disk (from earlier Readies) are applied, and
    /// their clients answered, before this Ready's write: a commit index need not be durable to be
    /// acted on (it is recomputed after a restart). Entries of this Ready itself (a single-voter
    /// group commits them at once) still wait for the write.</item>
    /// </list>
    /// Votes, acknowledgements and anything that follows a new term or vote still leave only after
    /// the write.
    /// </remarks>
    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        RaftNode? node = _node;
        while (node is not null && _fault is null && node.HasReady)
        {
            Ready ready = node.TakeReady();
            try
            {
                bool sendFirst = node.Role == RaftRole.Leader
                    && (ready.HardState is not { } hard || (hard.Term == _storedTerm && hard.Vote == _storedVote));
                bool applyFirst = ready.Snapshot is null
                    && (ready.CommittedEntries.IsEmpty || ready.CommittedEntries[^1].Index.Value <= _storedLastIndex);
                if (sendFirst)
                {
                    await SendAsync(ready, cancellationToken);
                }

                if (applyFirst)
                {
                    Apply(ready, node);
                }

                if (ready.Snapshot is null && ready.Entries.IsEmpty && ready.HardState is { } commitOnly
                    && commitOnly.Term == _storedTerm && commitOnly.Vote == _storedVote)
                {
                    _unwrittenHardState = commitOnly;
                }
                else if (ready.MustPersist && !await TryPersistAsync(ready, cancellationToken))
                {
                    return;
                }

                if (!sendFirst)
                {
                    await SendAsync(ready, cancellationToken);
                }

                if (!applyFirst)
                {
                    Apply(ready, node);
                }

                node.Advance(ready);
                await MaybeCompactAsync(node, cancellationToken);
            }
#pragma warning disable CA1031 // Fail-stop boundary: a Ready half handled leaves the core waiting forever; the replica stops instead.
            catch (Exception error) when (error is not OperationCanceledException)
#pragma warning restore CA1031
            {
                Stop($"{error.GetType().Name} while handling a Ready: {error.Message}");
                return;
            }
        }

        if (node is not null)
        {
            _gauges?.Publish(node);
        }

        if (node is not null && node.IsQuiet == _ticking)
        {
            // A quiet core ignores ticks, so the timer need not queue them (issue 6).
            _ticking = !node.IsQuiet;
            Context.SetTicking(_ticking);
        }

        if (node is not null)
        {
            _publisher?.MaybePublish(node, _fault);
        }
    }

    private async Task<bool> TryPersistAsync(Ready ready, CancellationToken cancellationToken)
    {
        if (!ready.Entries.IsEmpty && _metrics is { } metrics && metrics.ReadyEntries.Enabled)
        {
            metrics.ReadyEntries.Record(ready.Entries.Length, metrics.SiloTag, metrics.RaftTag);
        }

        // A recorded proposal's (leader) or a recorded append's (follower) persisting is a span,
        // and the store links its group commit to it.
        Activity? traced = TracedProposal(ready.Entries);
        using Activity? span = traced is not null
            ? GrainTelemetry.Source.StartActivity(GrainTelemetry.PersistSpan, ActivityKind.Internal, traced.Context)
            : null;
        ActivityContext trace = span?.Context ?? (Activity.Current is { OperationName: GrainTelemetry.AppendSpan } append ? append.Context : default);
        try
        {
            // Written in order, each awaited: a Ready with many large entries may exceed what one
            // store batch holds; nothing of it is sent before the last part is durable.
            foreach (ReplicaWriteBatch batch in BatchesFor(ready, trace))
            {
                await _store.WriteAsync(batch, cancellationToken);
            }
        }
        catch (StorageException failure)
        {
            span?.SetStatus(ActivityStatusCode.Error, failure.Message);
            // Nothing of this Ready may be sent or applied: the replica stops (fail-stop) and
            // restarts from what is durable when the silo reactivates it.
            Stop($"storage: {failure.Message}");
            return false;
        }

        if (ready.Snapshot is { } snapshot)
        {
            _snapshotIndex = snapshot.Metadata.Index.Value;
            _storedLastIndex = Math.Max(_storedLastIndex, _snapshotIndex);
        }

        if (!ready.Entries.IsEmpty)
        {
            _storedLastIndex = ready.Entries[^1].Index.Value;
        }

        if (ready.HardState is { } hard)
        {
            (_storedTerm, _storedVote) = (hard.Term, hard.Vote);
        }

        _unwrittenHardState = null;
        return true;
    }

    private IEnumerable<ReplicaWriteBatch> BatchesFor(Ready ready, ActivityContext trace)
    {
        ReplicaWriteBatch whole = BatchFor(ready, trace);
        if (whole.Records.Count <= _options.MaxRecordsPerWrite && whole.PayloadBytes <= _options.MaxBytesPerWrite)
        {
            yield return whole;
            yield break;
        }

        var part = new List<LogRecord>();
        long bytes = 0;
        bool first = true;
        foreach (LogRecord record in whole.Records)
        {
            if (part.Count > 0 && (part.Count >= _options.MaxRecordsPerWrite || bytes + record.Payload.Length > _options.MaxBytesPerWrite))
            {
                yield return new ReplicaWriteBatch { Replica = whole.Replica, Snapshot = first ? whole.Snapshot : null, TruncateFrom = first ? whole.TruncateFrom : null, Records = part, TraceContext = trace };
                (part, bytes, first) = ([], 0, false);
            }

            part.Add(record);
            bytes += record.Payload.Length;
        }

        yield return new ReplicaWriteBatch
        {
            Replica = whole.Replica,
            Snapshot = first ? whole.Snapshot : null,
            TruncateFrom = first ? whole.TruncateFrom : null,
            Records = part,
            Metadata = whole.Metadata,
            TraceContext = trace,
        };
    }

    private ReplicaWriteBatch BatchFor(Ready ready, ActivityContext trace)
    {
        ReplicaSnapshot? snapshot = null;
        ulong? truncateFrom = null;
        if (ready.Snapshot is { } installed)
        {
            // An installed snapshot replaces the whole log (the core restarted its log from it).
            snapshot = new ReplicaSnapshot(installed.Metadata.Index.Value, installed.Metadata.Term.Value, DurableRaftState.EncodeSnapshot(installed));
            truncateFrom = installed.Metadata.Index.Value + 1;
        }

        if (!ready.Entries.IsEmpty)
        {
            ulong first = ready.Entries[0].Index.Value;
            ulong last = Math.Max(_storedLastIndex, snapshot?.Index ?? 0);
            if (first <= last)
            {
                // The leader overwrote a conflicting suffix (paper §5.3).
                truncateFrom = Math.Min(truncateFrom ?? first, first);
            }
        }

        return new ReplicaWriteBatch
        {
            Replica = _durableId,
            Snapshot = snapshot,
            TruncateFrom = truncateFrom,
            Records = [.. ready.Entries.Select(DurableRaftState.ToRecord)],
            Metadata = DurableRaftState.MetadataOf(ready.HardState ?? _unwrittenHardState),
            TraceContext = trace,
        };
    }

    private async Task SendAsync(Ready ready, CancellationToken cancellationToken)
    {
        foreach (RaftMessage message in ready.Messages)
        {
            var peer = new RaftReplicaKey(_key.Group, message.To);
            IAsyncStream<RaftEnvelope> stream = Context.Streams.GetStream<RaftEnvelope>(new StreamId(RaftReplicaKey.StreamNamespace, peer.ToString()));
            RaftEnvelope envelope = RaftWire.ToWire(_key.Group, message);
            if (message is AppendEntries { Entries.IsEmpty: false } append)
            {
                if (_metrics is { } metrics && metrics.AppendEntries.Enabled)
                {
                    metrics.AppendEntries.Record(append.Entries.Length, metrics.SiloTag, metrics.RaftTag);
                }

                if (TracedProposal(append.Entries) is { IdFormat: ActivityIdFormat.W3C } traced)
                {
                    envelope.TraceParent = traced.Id;
                }
            }

            await stream.OnNextAsync(envelope, cancellationToken);
        }
    }

    private void Apply(Ready ready, RaftNode node)
    {
        if (ready.Snapshot is { } snapshot)
        {
            _machine!.Restore(snapshot.Data.Span);
        }

        _gauges?.Applied(ready.CommittedEntries.Length);
        foreach (Entry entry in ready.CommittedEntries)
        {
            byte[]? result = null;
            if (entry.Kind == EntryKind.Command)
            {
                result = _machine!.Apply(entry.Index.Value, entry.Data.Span);
            }
            else
            {
                _machine!.MarkApplied(entry.Index.Value);
            }

            MaybeStartLeaderClock(entry, node);
            if (_proposals.Remove(entry.Index.Value, out PendingProposal? pending))
            {
                bool ours = pending.Term == entry.Term && result is not null;
                if (ours && pending.AcceptedTimestamp != 0 && _metrics!.CommitDuration.Enabled)
                {
                    _metrics.CommitDuration.Record(Stopwatch.GetElapsedTime(pending.AcceptedTimestamp).TotalSeconds, _metrics.SiloTag, _metrics.RaftTag);
                }

                EndSpan(pending, ours);
                pending.Answer.TrySetResult(ours
                    ? ReplicaAnswers.Ok(entry.Index.Value, result!)
                    : ReplicaAnswers.UnknownOutcome("another leader's entry took this index", node.Leader));
            }
        }

        AnswerReads(ready, node);
        if (ready.SoftState is { Role: not RaftRole.Leader } && _proposals.Count > 0)
        {
            // Lost leadership: whether the pending entries commit is up to the next leader.
            FailAll(ReplicaAnswers.UnknownOutcome("leadership changed", node.Leader));
        }
    }

    private void AnswerReads(Ready ready, RaftNode node)
    {
        foreach (ReadState state in ready.ReadStates)
        {
            if (_reads.TryGetValue(state.Context, out PendingRead? read))
            {
                read.ReadIndex = state.Index.Value;
            }
        }

        foreach (ulong aborted in ready.AbortedReads)
        {
            if (_reads.Remove(aborted, out PendingRead? read))
            {
                read.Answer.TrySetResult(ReplicaAnswers.NotLeader(node.Leader));
            }
        }

        // The core counts this Ready's committed entries as applied only at Advance; they already are.
        ulong applied = ready.CommittedEntries.IsEmpty ? node.AppliedIndex.Value : Math.Max(node.AppliedIndex.Value, ready.CommittedEntries[^1].Index.Value);
        foreach (ulong context in _reads.Where(r => r.Value.ReadIndex <= applied).Select(r => r.Key).ToArray())
        {
            _reads.Remove(context, out PendingRead? read);
            read!.Answer.TrySetResult(ReplicaAnswers.Ok(read.ReadIndex!.Value, _machine!.Query(read.Query)));
        }
    }

    private async Task MaybeCompactAsync(RaftNode node, CancellationToken cancellationToken)
    {
        ulong applied = node.AppliedIndex.Value;
        if (applied - _snapshotIndex < (ulong)_options.SnapshotEveryEntries)
        {
            return;
        }

        if (node.Compact(node.AppliedIndex, _machine!.Snapshot()) is not { } snapshot)
        {
            return;
        }

        var stored = new ReplicaSnapshot(snapshot.Metadata.Index.Value, snapshot.Metadata.Term.Value, DurableRaftState.EncodeSnapshot(snapshot));
        try
        {
            await _store.WriteAsync(new ReplicaWriteBatch { Replica = _durableId, Snapshot = stored }, cancellationToken);
            _snapshotIndex = stored.Index;
        }
        catch (StorageException failure)
        {
            Stop($"storage: {failure.Message}");
        }
    }

    private void Stop(string reason)
    {
        _fault = reason;
        RaftReplicaLog.Stopped(_logger, _key.Group, _key.Replica, reason);
        FailAll(ReplicaAnswers.Unavailable(reason));
        if (_node is { } node)
        {
            _publisher?.MaybePublish(node, reason);
        }

        // This instance serves nothing more; the next message reactivates the replica from what is
        // durable (reopening it also lifts the store's fence), as a restarted process would.
        Context.DeactivateOnIdle();
    }

    private void FailAll(ReplicaAnswer answer)
    {
        foreach (PendingProposal pending in _proposals.Values)
        {
            EndSpan(pending, ok: false);
            pending.Answer.TrySetResult(answer);
        }

        _proposals.Clear();
        foreach (PendingRead read in _reads.Values)
        {
            read.Answer.TrySetResult(answer);
        }

        _reads.Clear();
    }
}
