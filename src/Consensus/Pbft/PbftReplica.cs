using System.Collections.Immutable;

namespace Synod.Consensus.Pbft;

/// <summary>
/// One PBFT replica (Castro and Liskov, OSDI 1999 and TOCS 2002) as a pure, deterministic state
/// machine: requests arrive through <see cref="Submit"/>, peers' messages through <see cref="Step"/>,
/// time through <see cref="Tick"/>; what the host must do comes back from <see cref="TakeReady"/>.
/// Normal case (pre-prepare, prepare, commit, in-order execution, batching), checkpoints and
/// watermarks, and view changes with prepared certificates. Not thread-safe.
/// </summary>
public sealed class PbftReplica
{
    private readonly PbftConfig _config;
    private readonly IPbftAuthenticator _authenticator;
    private readonly PbftCertificates _certificates;
    private readonly SortedDictionary<ulong, Slot> _slots = [];
    private readonly SortedDictionary<ulong, Dictionary<ReplicaIndex, Checkpoint>> _checkpointVotes = [];

    // The latest checkpoint each peer announced beyond our high watermark (at most one per replica,
    // so bounded by n): a replica more than a window behind learns from them that the group moved
    // on, and from 2f+1 matching ones the stable checkpoint whose state it fetches (Castro and
    // Liskov, TOCS 2002 §4.3 and §6.2). Without them it would drop every checkpoint forever.
    private readonly Dictionary<ReplicaIndex, Checkpoint> _checkpointsBeyondWindow = [];

    // The highest checkpoint each peer has shown it reached (its checkpoint or view-change
    // messages; one entry per replica): a peer below our stable checkpoint is sent its proof.
    private readonly Dictionary<ReplicaIndex, SequenceNumber> _peerCheckpoints = [];
    private readonly SortedDictionary<ulong, Dictionary<ReplicaIndex, ViewChange>> _viewChanges = [];
    private readonly Queue<ClientRequest> _pendingRequests = new();
    private readonly HashSet<(ulong Client, ulong Timestamp)> _queued = [];

    // Requests this replica knows of and has not executed: while any exist, the view-change timer runs.
    private readonly Dictionary<(ulong Client, ulong Timestamp), ClientRequest> _awaitingExecution = [];
    private readonly Dictionary<ulong, ulong> _executedTimestamps = [];
    private readonly List<PbftOutgoing> _outbox = [];
    private readonly List<CommittedBatch> _toExecute = [];

    private View _view;
    private bool _viewChanging;
    private SequenceNumber _nextSequence = new(1);
    private SequenceNumber _lastExecuted;

    // Invariant: _stableCheckpoint <= _lastExecuted, unless a state transfer is pending.
    private SequenceNumber _stableCheckpoint;
    private Digest _stableDigest;
    private ImmutableArray<Checkpoint> _stableProof = ImmutableArray<Checkpoint>.Empty;
    private SequenceNumber? _fetchStateUpTo;

    private int _timerElapsed;
    private int _timeoutTicks;
    private long _ticks;

    // The last view-change message this replica sent, and the new-view message of the latest view
    // it entered (sent as primary or accepted as backup): re-sent to replicas still asking for
    // that view or working in an older one, since either can be lost.
    private ViewChange? _ownViewChange;
    private Checkpoint? _ownCheckpoint;
    private NewView? _lastNewView;

    // Our own recent view-change messages by view, so a replica that fell behind can still gather
    // a quorum for a view we have already left (bounded to the most recent few).
    private readonly SortedDictionary<ulong, ViewChange> _ownViewChanges = [];
    private const int OwnViewChangesKept = 16;
    private const int FutureVotesPerReplica = 4;

    // When we last helped each replica that was behind; at most once per retransmission period, or
    // two replicas that both passed a view would bounce their old votes forever.
    private readonly Dictionary<ReplicaIndex, long> _lastHelpedTick = [];

    public PbftReplica(PbftConfig config, IPbftAuthenticator authenticator)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(authenticator);
        config.Validate();
        _config = config;
        _authenticator = authenticator;
        _certificates = new PbftCertificates(config, authenticator);
        _timeoutTicks = config.RequestTimeoutTicks;
    }

    /// <summary>
    /// Restarts a replica from what it persisted. <paramref name="stateRestoredAt"/> is the
    /// checkpoint whose state the host restored its state machine from. At the stable checkpoint,
    /// the committed batches above it come back in the next Ready to be executed again; below it,
    /// the replica first asks for a state transfer up to the stable checkpoint.
    /// </summary>
    public PbftReplica(PbftConfig config, IPbftAuthenticator authenticator, PbftDurableState state, SequenceNumber stateRestoredAt, IReadOnlyDictionary<ulong, ulong> executedTimestamps)
        : this(config, authenticator)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(executedTimestamps);
        MergeExecutedTimestamps(executedTimestamps);
        Invariant.Holds(stateRestoredAt <= state.StableCheckpoint, "the host cannot hold state beyond the stable checkpoint it persisted");
        _view = state.View;
        _viewChanging = state.ViewChanging;
        _nextSequence = state.NextSequence;
        _stableCheckpoint = state.StableCheckpoint;
        _stableDigest = state.StableDigest;
        _stableProof = state.StableProof;
        _lastExecuted = stateRestoredAt;
        if (stateRestoredAt < state.StableCheckpoint)
        {
            _fetchStateUpTo = state.StableCheckpoint;
        }

        _ownViewChange = state.OwnViewChange;
        _lastNewView = state.LastNewView;
        foreach (var viewChange in state.OwnViewChanges)
        {
            _ownViewChanges[viewChange.NewView.Value] = viewChange;
        }

        foreach (var saved in state.Slots)
        {
            var slot = SlotFor(saved.Sequence);
            slot.PrePrepare = saved.PrePrepare;
            slot.Certificate = saved.Certificate;
            slot.CommittedDigest = saved.CommittedDigest;
            slot.CommittedBatch = saved.CommittedBatch;
            if (saved.OwnPrepare is { } prepare)
            {
                slot.Prepares[_config.Id] = prepare;
            }

            if (saved.OwnCommit is { } commit)
            {
                slot.Commits[_config.Id] = commit;
                slot.CommitSent = true;
            }
        }

        if (_viewChanging && _ownViewChange is not null)
        {
            RecordViewChange(_ownViewChange);
        }

        TryExecute();
    }

    public ReplicaIndex Id => _config.Id;

    /// <summary>Captures what must survive a crash (see <see cref="PbftDurableState"/>).</summary>
    public PbftDurableState ExportDurableState() => new(
        _view,
        _viewChanging,
        _nextSequence,
        _stableCheckpoint,
        _stableDigest,
        _stableProof,
        _slots.Select(s => new PbftSlotState(
            new SequenceNumber(s.Key),
            s.Value.PrePrepare,
            s.Value.Prepares.GetValueOrDefault(_config.Id),
            s.Value.Commits.GetValueOrDefault(_config.Id),
            s.Value.Certificate,
            s.Value.CommittedDigest,
            s.Value.CommittedBatch)).ToImmutableArray(),
        _ownViewChange,
        [.. _ownViewChanges.Values],
        _lastNewView);

    public View View => _view;

    public bool IsViewChanging => _viewChanging;

    public bool IsPrimary => !_viewChanging && _view.Primary(_config.ReplicaCount) == _config.Id;

    public SequenceNumber LastExecuted => _lastExecuted;

    public SequenceNumber StableCheckpoint => _stableCheckpoint;

    /// <summary>The state digest the stable checkpoint proves; a fetched state must match it.</summary>
    public Digest StableDigest => _stableDigest;

    public PbftCounters Counters { get; } = new();

    /// <summary>View-change votes currently held (bounded; for tests).</summary>
    internal int HeldViewChangeVotes => _viewChanges.Sum(v => v.Value.Count);

    private SequenceNumber HighWatermark => _stableCheckpoint.Plus((ulong)_config.WatermarkWindow);

    private ReplicaIndex Primary(View view) => view.Primary(_config.ReplicaCount);

    // ---------------------------------------------------------------- inputs

    /// <summary>
    /// Accepts an authenticated client request: the primary queues it for the next pre-prepare; a
    /// backup relays it to the primary and starts its view-change timer (Castro and Liskov §4.2).
    /// Returns false when the request is already executed or the queue is full.
    /// </summary>
    public bool Submit(ClientRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_authenticator.VerifyClient(request))
        {
            Counters.BadClientAuthenticators++;
            return false;
        }

        if (_executedTimestamps.TryGetValue(request.Client, out var executed) && request.Timestamp <= executed)
        {
            return false;
        }

        var key = (request.Client, request.Timestamp);
        if (IsPrimary)
        {
            if (_queued.Contains(key) || _awaitingExecution.ContainsKey(key) || _pendingRequests.Count >= _config.MaxPendingRequests)
            {
                return false;
            }

            _queued.Add(key);
            _pendingRequests.Enqueue(request);
            return true;
        }

        _awaitingExecution.TryAdd(key, request);
        if (!_viewChanging)
        {
            Broadcast(new ForwardedRequest(_config.Id, request), to: Primary(_view));
        }

        return true;
    }

    /// <summary>Advances logical time: retransmissions and the view-change timer.</summary>
    public void Tick()
    {
        _ticks++;
        if (_ticks % _config.RetransmitTicks == 0)
        {
            Retransmit();
        }

        if (_viewChanging ? !QuorumWantsCurrentView() : _awaitingExecution.Count == 0)
        {
            // During a view change the timer starts only once 2f+1 replicas want this view
            // (Castro and Liskov §4.5.2); otherwise a replica could run through views alone and
            // never meet the others again.
            _timerElapsed = 0;
            return;
        }

        _timerElapsed++;
        if (_timerElapsed >= _timeoutTicks)
        {
            // Exponential back-off: each view change that does not lead to progress waits twice as
            // long for the next one (Castro and Liskov §4.5.2), so a correct primary eventually
            // stays long enough to make progress.
            _timeoutTicks = Math.Min(_timeoutTicks * 2, _config.MaxViewChangeTimeoutTicks);
            StartViewChange(_view.Next());
        }
    }

    /// <summary>Feeds one message from a peer. Never throws on a peer's message; what it ignores it counts.</summary>
    public void Step(PbftMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.From == _config.Id || message.From.Value < 0 || message.From.Value >= _config.ReplicaCount)
        {
            Counters.Misaddressed++;
            return;
        }

        if (!PbftMessageValidator.IsWellFormed(message, _config))
        {
            Counters.Malformed++;
            return;
        }

        if (!IsAuthentic(message))
        {
            Counters.BadSignatures++;
            return;
        }

        if (AgreementView(message) is { } view && view < _view)
        {
            // It works in a view we have left and would otherwise learn ours only by timing out
            // view after view: the new-view message lets it join ours at once.
            HelpIntoCurrentView(message.From);
        }

        switch (message)
        {
            case PrePrepare m: OnPrePrepare(m); break;
            case Prepare m: OnPrepare(m); break;
            case Commit m: OnCommit(m); break;
            case Checkpoint m: OnCheckpoint(m); break;
            case ViewChange m: OnViewChange(m); break;
            case NewView m: OnNewView(m); break;
            case ForwardedRequest m: OnForwardedRequest(m); break;
            default: Counters.Misaddressed++; break;
        }
    }

    private static View? AgreementView(PbftMessage message) => message switch
    {
        PrePrepare m => m.View,
        Prepare m => m.View,
        Commit m => m.View,
        _ => null,
    };

    private void HelpIntoCurrentView(ReplicaIndex peer)
    {
        if (!_viewChanging && _lastNewView is { } current && current.View == _view)
        {
            Help(peer, current);
        }
    }

    /// <summary>
    /// The host executed up to <paramref name="sequence"/> (a multiple of the checkpoint interval)
    /// and its state has digest <paramref name="stateDigest"/>; this replica announces a checkpoint.
    /// </summary>
    public void ReportCheckpoint(SequenceNumber sequence, Digest stateDigest)
    {
        Invariant.Holds(sequence <= _lastExecuted, $"checkpoint {sequence} beyond executed {_lastExecuted}");
        var checkpoint = Sign(new Checkpoint(_config.Id, sequence, stateDigest));
        _ownCheckpoint = checkpoint;
        RecordCheckpoint(checkpoint);
        _outbox.Add(new PbftOutgoing(null, checkpoint));
    }

    /// <summary>The host installed the stable checkpoint state at <paramref name="sequence"/> fetched from peers.</summary>
    /// <remarks>
    /// <paramref name="executedTimestamps"/> is the state's client table (client → last executed
    /// timestamp), so requests the state already covers are no longer waited for.
    /// </remarks>
    public void StateTransferred(SequenceNumber sequence, IReadOnlyDictionary<ulong, ulong> executedTimestamps)
    {
        ArgumentNullException.ThrowIfNull(executedTimestamps);
        if (sequence <= _lastExecuted)
        {
            return;
        }

        _lastExecuted = sequence;
        _fetchStateUpTo = null;
        MergeExecutedTimestamps(executedTimestamps);
        TryExecute();
    }

    private void MergeExecutedTimestamps(IReadOnlyDictionary<ulong, ulong> executedTimestamps)
    {
        foreach (var (client, timestamp) in executedTimestamps)
        {
            if (!_executedTimestamps.TryGetValue(client, out var known) || timestamp > known)
            {
                _executedTimestamps[client] = timestamp;
            }
        }

        ForgetCoveredRequests();
    }

    public bool HasReady => _outbox.Count > 0 || _toExecute.Count > 0 || _fetchStateUpTo is not null || (IsPrimary && CanPropose);

    public PbftReady TakeReady()
    {
        if (IsPrimary)
        {
            ProposeBatches();
        }

        var ready = new PbftReady { Messages = [.. _outbox], Execute = [.. _toExecute], FetchStateUpTo = _fetchStateUpTo };
        _outbox.Clear();
        _toExecute.Clear();
        return ready;
    }

    // Messages can be lost; this replica re-sends its own part of every unfinished agreement so a
    // slot completes without waiting for a view change (the BFT library's retransmission, Castro's
    // thesis §5.2).
    private void Retransmit()
    {
        if (_viewChanging)
        {
            if (_ownViewChange is not null)
            {
                _outbox.Add(new PbftOutgoing(null, _ownViewChange));
            }

            return;
        }

        foreach (var (sequence, slot) in _slots)
        {
            if (sequence <= _lastExecuted.Value || slot.PrePrepare is not { } prePrepare || prePrepare.View != _view)
            {
                continue;
            }

            if (prePrepare.From == _config.Id)
            {
                _outbox.Add(new PbftOutgoing(null, prePrepare));
            }
            else if (slot.Prepares.TryGetValue(_config.Id, out var prepare))
            {
                _outbox.Add(new PbftOutgoing(null, prepare));
            }

            if (slot.Commits.TryGetValue(_config.Id, out var commit))
            {
                _outbox.Add(new PbftOutgoing(null, commit));
            }
        }

        if (_ownCheckpoint is { } checkpoint && checkpoint.Sequence > _stableCheckpoint)
        {
            _outbox.Add(new PbftOutgoing(null, checkpoint));
        }

        for (var index = 0; index < _config.ReplicaCount; index++)
        {
            if (new ReplicaIndex(index) != _config.Id)
            {
                HelpLaggingPeer(new ReplicaIndex(index));
            }
        }
    }

    // A peer that missed slots we decided (restarted, partitioned, paused) waits on requests in
    // them until the next checkpoint, and its timer may move it alone to a view nobody else joins.
    // So it gets, addressed to it alone: the proof of our stable checkpoint when it has not shown
    // it reached it, and for each slot of this view we decided without its commit, the pre-prepare
    // and our prepare and commit (Castro's thesis §5.2: retransmit what a lagging replica lacks).
    // Bounded by the window, and nothing is sent to a peer that is up to date.
    private void HelpLaggingPeer(ReplicaIndex peer)
    {
        if (_stableCheckpoint.Value > 0 && _peerCheckpoints.GetValueOrDefault(peer) < _stableCheckpoint)
        {
            foreach (var proof in _stableProof.Where(c => c.From != peer))
            {
                _outbox.Add(new PbftOutgoing(peer, proof));
            }
        }

        foreach (var (sequence, slot) in _slots)
        {
            if (sequence > _lastExecuted.Value || slot.CommittedDigest is null || slot.PrePrepare is not { } prePrepare || prePrepare.View != _view || slot.Commits.ContainsKey(peer))
            {
                continue;
            }

            if (prePrepare.From != peer)
            {
                _outbox.Add(new PbftOutgoing(peer, prePrepare));
            }

            if (slot.Prepares.TryGetValue(_config.Id, out var prepare))
            {
                _outbox.Add(new PbftOutgoing(peer, prepare));
            }

            if (slot.Commits.TryGetValue(_config.Id, out var commit))
            {
                _outbox.Add(new PbftOutgoing(peer, commit));
            }
        }
    }

    private void NotePeerCheckpoint(ReplicaIndex peer, SequenceNumber sequence)
    {
        if (sequence > _peerCheckpoints.GetValueOrDefault(peer))
        {
            _peerCheckpoints[peer] = sequence;
        }
    }

    private bool QuorumWantsCurrentView() =>
        _viewChanges.TryGetValue(_view.Value, out var votes) && votes.Count >= _config.Quorum;

    // ---------------------------------------------------------------- normal case

    private bool CanPropose => _pendingRequests.Count > 0 && _nextSequence <= HighWatermark;

    private void ProposeBatches()
    {
        while (CanPropose)
        {
            var batch = ImmutableArray.CreateBuilder<ClientRequest>(Math.Min(_pendingRequests.Count, _config.MaxBatchSize));
            while (batch.Count < _config.MaxBatchSize && _pendingRequests.TryDequeue(out var request))
            {
                _queued.Remove((request.Client, request.Timestamp));
                if (!_executedTimestamps.TryGetValue(request.Client, out var executed) || request.Timestamp > executed)
                {
                    batch.Add(request);
                    _awaitingExecution.TryAdd((request.Client, request.Timestamp), request);
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            var requests = batch.ToImmutable();
            var prePrepare = Sign(new PrePrepare(_config.Id, _view, _nextSequence, PbftEncoding.BatchDigest(requests), requests));
            _nextSequence = _nextSequence.Next();
            SlotFor(prePrepare.Sequence).PrePrepare = prePrepare;
            _outbox.Add(new PbftOutgoing(null, prePrepare));
        }
    }

    private void OnForwardedRequest(ForwardedRequest m)
    {
        if (IsPrimary)
        {
            Submit(m.Request);
        }
    }

    private void OnPrePrepare(PrePrepare m)
    {
        if (!AcceptsAgreement(m.View, m.Sequence) || m.From != Primary(m.View) || Primary(m.View) == _config.Id)
        {
            return;
        }

        if (PbftEncoding.BatchDigest(m.Batch) != m.Digest)
        {
            Counters.DigestMismatches++;
            return;
        }

        // Castro and Liskov §4.2: a backup accepts a pre-prepare only for requests clients really
        // sent. (Pre-prepares of a new view are backed by prepared certificates instead.)
        if (!m.Batch.All(_authenticator.VerifyClient))
        {
            Counters.BadClientAuthenticators++;
            return;
        }

        AcceptPrePrepare(m);
    }

    private void AcceptPrePrepare(PrePrepare m)
    {
        var slot = SlotFor(m.Sequence);
        if (slot.PrePrepare is { } existing)
        {
            if (existing.Digest != m.Digest)
            {
                // A primary that assigns two batches to one sequence number is faulty; keep the first.
                Counters.Equivocations++;
            }

            return;
        }

        if (slot.CommittedDigest is { } decided && decided != m.Digest)
        {
            Counters.Equivocations++;
            return;
        }

        slot.PrePrepare = m;
        foreach (var request in m.Batch)
        {
            if (!_executedTimestamps.TryGetValue(request.Client, out var executed) || request.Timestamp > executed)
            {
                _awaitingExecution.TryAdd((request.Client, request.Timestamp), request);
            }
        }

        var prepare = Sign(new Prepare(_config.Id, m.View, m.Sequence, m.Digest));
        slot.Prepares[_config.Id] = prepare;
        _outbox.Add(new PbftOutgoing(null, prepare));
        MaybePrepared(m.Sequence, slot);
    }

    private void OnPrepare(Prepare m)
    {
        if (!AcceptsAgreement(m.View, m.Sequence) || m.From == Primary(m.View))
        {
            return;
        }

        var slot = SlotFor(m.Sequence);
        if (!slot.Prepares.TryAdd(m.From, m) && slot.Prepares[m.From].Digest != m.Digest)
        {
            Counters.Equivocations++;
        }

        HelpWithDecidedSlot(m.From, slot);
        MaybePrepared(m.Sequence, slot);
    }

    private void OnCommit(Commit m)
    {
        if (!AcceptsAgreement(m.View, m.Sequence))
        {
            return;
        }

        var slot = SlotFor(m.Sequence);
        if (!slot.Commits.TryAdd(m.From, m) && slot.Commits[m.From].Digest != m.Digest)
        {
            Counters.Equivocations++;
        }

        HelpWithDecidedSlot(m.From, slot);
        MaybeCommitted(m.Sequence, slot);
    }

    // prepared(m, v, n, i): the pre-prepare and 2f matching prepares from distinct backups.
    private void MaybePrepared(SequenceNumber sequence, Slot slot)
    {
        if (slot.CommitSent || slot.PrePrepare is not { } prePrepare)
        {
            return;
        }

        var matching = MatchingPrepares(slot, prePrepare);
        if (matching.Length < 2 * _config.Faulty)
        {
            return;
        }

        slot.Certificate = new PreparedCertificate(prePrepare, matching);
        slot.CommitSent = true;
        var commit = Sign(new Commit(_config.Id, prePrepare.View, sequence, prePrepare.Digest));
        slot.Commits[_config.Id] = commit;
        _outbox.Add(new PbftOutgoing(null, commit));
        MaybeCommitted(sequence, slot);
    }

    private ImmutableArray<Prepare> MatchingPrepares(Slot slot, PrePrepare prePrepare)
    {
        var primary = Primary(prePrepare.View);
        var builder = ImmutableArray.CreateBuilder<Prepare>();
        foreach (var (from, prepare) in slot.Prepares.OrderBy(p => p.Key.Value))
        {
            if (from != primary && prepare.View == prePrepare.View && prepare.Digest == prePrepare.Digest && builder.Count < 2 * _config.Faulty)
            {
                builder.Add(prepare);
            }
        }

        return builder.ToImmutable();
    }

    // A peer still re-sending its part of a slot we have decided may have lost our commit: since we
    // no longer retransmit decided slots, answer it directly (rate-limited per peer).
    private void HelpWithDecidedSlot(ReplicaIndex peer, Slot slot)
    {
        if (slot.CommittedDigest is not null && slot.Commits.TryGetValue(_config.Id, out var ours))
        {
            Help(peer, ours);
        }
    }

    // committed-local(m, v, n, i): prepared and 2f+1 matching commits from distinct replicas.
    private void MaybeCommitted(SequenceNumber sequence, Slot slot)
    {
        if (!slot.CommitSent || slot.CommittedDigest is not null || slot.PrePrepare is not { } prePrepare)
        {
            return;
        }

        var matching = slot.Commits.Values.Count(c => c.View == prePrepare.View && c.Digest == prePrepare.Digest);
        if (matching < _config.Quorum)
        {
            return;
        }

        slot.CommittedDigest = prePrepare.Digest;
        slot.CommittedBatch = prePrepare.Batch;
        TryExecute();
    }

    // Executes committed batches strictly in sequence order (Castro and Liskov §4.2).
    private void TryExecute()
    {
        while (_slots.TryGetValue(_lastExecuted.Value + 1, out var slot) && slot.CommittedDigest is not null)
        {
            _lastExecuted = _lastExecuted.Next();
            _toExecute.Add(new CommittedBatch(_lastExecuted, _view, slot.CommittedBatch));
            var awaitedExecuted = false;
            foreach (var request in slot.CommittedBatch)
            {
                awaitedExecuted |= _awaitingExecution.Remove((request.Client, request.Timestamp));
                if (!_executedTimestamps.TryGetValue(request.Client, out var executed) || request.Timestamp > executed)
                {
                    _executedTimestamps[request.Client] = request.Timestamp;
                }
            }

            if (awaitedExecuted)
            {
                // Progress on a request we wait for: the timer restarts and the back-off resets
                // (Castro and Liskov §4.5.2). Batches that execute nothing we wait for do not count,
                // or a faulty primary could starve a client forever with empty batches.
                _timerElapsed = 0;
                _timeoutTicks = _config.RequestTimeoutTicks;
            }
        }

        ForgetCoveredRequests();
    }

    // Requests whose client has since executed an equal or later timestamp will never execute.
    private void ForgetCoveredRequests()
    {
        foreach (var key in _awaitingExecution.Keys.Where(k => _executedTimestamps.TryGetValue(k.Client, out var executed) && k.Timestamp <= executed).ToList())
        {
            _awaitingExecution.Remove(key);
        }
    }

    private bool AcceptsAgreement(View view, SequenceNumber sequence)
    {
        if (view != _view || _viewChanging)
        {
            Counters.WrongView++;
            return false;
        }

        if (sequence <= _stableCheckpoint || sequence > HighWatermark)
        {
            Counters.OutsideWatermarks++;
            return false;
        }

        return true;
    }

    private Slot SlotFor(SequenceNumber sequence)
    {
        if (!_slots.TryGetValue(sequence.Value, out var slot))
        {
            _slots[sequence.Value] = slot = new Slot();
        }

        return slot;
    }

    // ---------------------------------------------------------------- checkpoints

    private void OnCheckpoint(Checkpoint m)
    {
        NotePeerCheckpoint(m.From, m.Sequence);
        if (m.Sequence <= _stableCheckpoint || m.Sequence.Value % (ulong)_config.CheckpointInterval != 0)
        {
            Counters.OutsideWatermarks++;
            return;
        }

        if (m.Sequence > HighWatermark)
        {
            RecordCheckpointBeyondWindow(m);
            return;
        }

        RecordCheckpoint(m);
    }

    // Only each peer's latest vote beyond the window is kept, so a faulty replica cannot grow our
    // memory; 2f+1 matching ones prove the checkpoint stable like votes inside the window do.
    private void RecordCheckpointBeyondWindow(Checkpoint m)
    {
        Counters.OutsideWatermarks++;
        if (_checkpointsBeyondWindow.TryGetValue(m.From, out var held) && held.Sequence >= m.Sequence)
        {
            return;
        }

        _checkpointsBeyondWindow[m.From] = m;
        var matching = _checkpointsBeyondWindow.Values
            .Where(c => c.Sequence == m.Sequence && c.StateDigest == m.StateDigest)
            .OrderBy(c => c.From.Value)
            .ToImmutableArray();
        if (matching.Length >= _config.Quorum)
        {
            MakeStable(m.Sequence, m.StateDigest, matching.Take(_config.Quorum).ToImmutableArray());
        }
    }

    private void RecordCheckpoint(Checkpoint m)
    {
        if (!_checkpointVotes.TryGetValue(m.Sequence.Value, out var votes))
        {
            _checkpointVotes[m.Sequence.Value] = votes = [];
        }

        votes.TryAdd(m.From, m);
        var matching = votes.Values.Where(c => c.StateDigest == m.StateDigest).OrderBy(c => c.From.Value).ToImmutableArray();
        if (matching.Length >= _config.Quorum)
        {
            MakeStable(m.Sequence, m.StateDigest, matching.Take(_config.Quorum).ToImmutableArray());
        }
    }

    // A checkpoint proven by 2f+1 matching messages is stable: everything at or below it is
    // garbage-collected and the watermarks move (Castro and Liskov §4.3).
    private void MakeStable(SequenceNumber sequence, Digest digest, ImmutableArray<Checkpoint> proof)
    {
        if (sequence <= _stableCheckpoint)
        {
            return;
        }

        _stableCheckpoint = sequence;
        _stableDigest = digest;
        _stableProof = proof;
        foreach (var key in _slots.Keys.Where(k => k <= sequence.Value).ToList())
        {
            _slots.Remove(key);
        }

        foreach (var key in _checkpointVotes.Keys.Where(k => k < sequence.Value).ToList())
        {
            _checkpointVotes.Remove(key);
        }

        foreach (var peer in _checkpointsBeyondWindow.Where(c => c.Value.Sequence <= HighWatermark).Select(c => c.Key).ToList())
        {
            // Inside the window now: the vote counts among the ordinary ones.
            if (_checkpointsBeyondWindow.Remove(peer, out var vote) && vote.Sequence > _stableCheckpoint)
            {
                RecordCheckpoint(vote);
            }
        }

        if (_lastExecuted < sequence)
        {
            // A quorum is past us: fetch the checkpoint's state rather than the messages we missed.
            _fetchStateUpTo = sequence;
        }

        if (_nextSequence <= sequence)
        {
            _nextSequence = sequence.Next();
        }
    }

    // ---------------------------------------------------------------- view changes

    private void StartViewChange(View newView)
    {
        if (newView <= _view && _viewChanging)
        {
            return;
        }

        Counters.ViewChangesStarted++;

        // Requests queued at a deposed primary are not lost: they wait for the next primary.
        while (_pendingRequests.TryDequeue(out var queued))
        {
            _awaitingExecution.TryAdd((queued.Client, queued.Timestamp), queued);
        }

        _queued.Clear();
        _view = newView;
        _viewChanging = true;
        _timerElapsed = 0;
        var prepared = _slots
            .Where(s => s.Key > _stableCheckpoint.Value && s.Value.Certificate is not null)
            .Select(s => s.Value.Certificate!)
            .ToImmutableArray();
        var viewChange = Sign(new ViewChange(_config.Id, newView, _stableCheckpoint, _stableDigest, _stableProof, prepared));
        _ownViewChange = viewChange;
        _ownViewChanges[newView.Value] = viewChange;
        while (_ownViewChanges.Count > OwnViewChangesKept)
        {
            _ownViewChanges.Remove(_ownViewChanges.Keys.First());
        }

        _outbox.Add(new PbftOutgoing(null, viewChange));
        RecordViewChange(viewChange);
    }

    private void OnViewChange(ViewChange m)
    {
        NotePeerCheckpoint(m.From, m.StableCheckpoint);
        if (_lastNewView is { } sent && m.NewView == sent.View && (sent.View < _view || !_viewChanging))
        {
            // A replica still asking for a view we entered missed its new-view message; without it,
            // it could wait forever for a quorum that has moved on.
            Help(m.From, sent);
            return;
        }

        if (m.NewView <= _view && !(m.NewView == _view && _viewChanging))
        {
            if (!_viewChanging && _lastNewView is { } current && current.View == _view)
            {
                // It is behind a view we are working in: the new-view message brings it here.
                HelpIntoCurrentView(m.From);
            }
            else if (_ownViewChanges.TryGetValue(m.NewView.Value, out var ours))
            {
                // It is behind: give it our vote for the view it is stuck in.
                Help(m.From, ours);
            }

            Counters.WrongView++;
            return;
        }

        if (_viewChanges.TryGetValue(m.NewView.Value, out var known) && known.ContainsKey(m.From))
        {
            // A retransmission of a vote we hold: validating it again would only cost signature checks.
            return;
        }

        if (!_certificates.IsValid(m))
        {
            Counters.InvalidCertificates++;
            return;
        }

        if (!MakeRoomForFutureVote(m))
        {
            return;
        }

        RecordViewChange(m);

        // Liveness (Castro and Liskov §4.5.2): f+1 replicas want a later view, so at least one
        // correct replica does; join the smallest such view rather than wait for our own timer.
        var later = _viewChanges.Where(v => v.Key > _view.Value).ToList();
        var voters = later.SelectMany(v => v.Value.Keys).Distinct().Count();
        if (voters >= _config.Faulty + 1)
        {
            StartViewChange(new View(later.Min(v => v.Key)));
        }
    }

    // Votes for views beyond ours are kept at most FutureVotesPerReplica per sender, the lowest ones
    // (the f+1 rule joins the smallest view), so a faulty replica voting for ever later views cannot
    // grow our memory. Returns false when the vote is dropped.
    private bool MakeRoomForFutureVote(ViewChange m)
    {
        if (m.NewView <= _view)
        {
            return true;
        }

        var held = _viewChanges.Where(v => v.Key > _view.Value && v.Value.ContainsKey(m.From)).Select(v => v.Key).ToList();
        if (held.Count < FutureVotesPerReplica)
        {
            return true;
        }

        var highest = held.Max();
        if (m.NewView.Value >= highest)
        {
            return false;
        }

        _viewChanges[highest].Remove(m.From);
        if (_viewChanges[highest].Count == 0)
        {
            _viewChanges.Remove(highest);
        }

        return true;
    }

    // At most one message per retransmission period per replica we help, or two replicas that both
    // passed a view would bounce old votes forever.
    private void Help(ReplicaIndex replica, PbftMessage message)
    {
        if (_lastHelpedTick.TryGetValue(replica, out var helped) && _ticks - helped < _config.RetransmitTicks)
        {
            return;
        }

        _lastHelpedTick[replica] = _ticks;
        _outbox.Add(new PbftOutgoing(replica, message));
    }

    private void RecordViewChange(ViewChange m)
    {
        if (!_viewChanges.TryGetValue(m.NewView.Value, out var votes))
        {
            _viewChanges[m.NewView.Value] = votes = [];
        }

        votes.TryAdd(m.From, m);
        if (_viewChanging && m.NewView == _view && Primary(_view) == _config.Id && votes.Count >= _config.Quorum && votes.ContainsKey(_config.Id))
        {
            var proof = votes.Values.OrderBy(v => v.From.Value).Take(_config.Quorum).ToImmutableArray();
            var prePrepares = _certificates.DerivePrePrepares(_view, proof).Select(Sign).ToImmutableArray();
            var newView = Sign(new NewView(_config.Id, _view, proof, prePrepares));
            _lastNewView = newView;
            _outbox.Add(new PbftOutgoing(null, newView));
            EnterView(newView, proof, prePrepares);
        }
    }

    private void OnNewView(NewView m)
    {
        if (m.View < _view || (m.View == _view && !_viewChanging) || m.From != Primary(m.View))
        {
            Counters.WrongView++;
            return;
        }

        if (!_certificates.IsValid(m))
        {
            Counters.InvalidCertificates++;
            return;
        }

        _view = m.View;
        _lastNewView = m;
        EnterView(m, m.ViewChanges, m.PrePrepares);
    }

    private void EnterView(NewView newView, ImmutableArray<ViewChange> proof, ImmutableArray<PrePrepare> prePrepares)
    {
        _viewChanging = false;
        _timerElapsed = 0;
        foreach (var key in _viewChanges.Keys.Where(k => k <= newView.View.Value).ToList())
        {
            _viewChanges.Remove(key);
        }

        // Adopt the most recent stable checkpoint among the view changes.
        var best = proof.MaxBy(v => v.StableCheckpoint.Value)!;
        if (best.StableCheckpoint > _stableCheckpoint)
        {
            MakeStable(best.StableCheckpoint, best.StableDigest, best.CheckpointProof);
        }

        foreach (var slot in _slots.Values)
        {
            slot.ResetForView();
        }

        var maxSequence = _stableCheckpoint;
        foreach (var prePrepare in prePrepares)
        {
            maxSequence = prePrepare.Sequence > maxSequence ? prePrepare.Sequence : maxSequence;
            if (prePrepare.Sequence <= _stableCheckpoint)
            {
                continue;
            }

            if (newView.From == _config.Id)
            {
                SlotFor(prePrepare.Sequence).PrePrepare = prePrepare;
            }
            else
            {
                AcceptPrePrepare(prePrepare);
            }
        }

        _nextSequence = maxSequence.Next();
        ResubmitAwaiting(prePrepares);
    }

    // Requests known but not executed, and not re-proposed by the new view, go to the new primary.
    private void ResubmitAwaiting(ImmutableArray<PrePrepare> prePrepares)
    {
        var reproposed = prePrepares.SelectMany(p => p.Batch).Select(r => (r.Client, r.Timestamp)).ToHashSet();
        var awaiting = _awaitingExecution.Where(a => !reproposed.Contains(a.Key)).OrderBy(a => a.Key).Select(a => a.Value).ToList();
        foreach (var request in awaiting)
        {
            if (IsPrimary)
            {
                _awaitingExecution.Remove((request.Client, request.Timestamp));
                Submit(request);
            }
            else
            {
                Broadcast(new ForwardedRequest(_config.Id, request), to: Primary(_view));
            }
        }
    }

    private bool IsAuthentic(PbftMessage message) => _certificates.IsAuthentic(message);

    private T Sign<T>(T message)
        where T : PbftMessage => message with { Signature = _authenticator.Sign(PbftEncoding.SigningBytes(message)) };

    private void Broadcast(PbftMessage message, ReplicaIndex? to) => _outbox.Add(new PbftOutgoing(to, Sign(message)));
}
