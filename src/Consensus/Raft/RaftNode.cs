using System.Collections.Immutable;

namespace Synod.Consensus.Raft;

/// <summary>
/// One Raft replica as a pure, deterministic state machine (Ongaro and Ousterhout 2014; Ongaro's
/// thesis 2014), shaped after etcd's raft library: inputs arrive through <see cref="Step"/>,
/// <see cref="Tick"/> and the request methods; everything the host must do comes back from
/// <see cref="TakeReady"/> and is confirmed with <see cref="Advance"/>. Not thread-safe: a host runs
/// one call at a time.
/// </summary>
public sealed class RaftNode
{
    private readonly RaftConfig _config;
    private readonly IRandomSource _random;
    private readonly RaftLog _log;
    private readonly ProgressTracker _progress;
    private readonly ReadIndexTracker _reads = new();
    private readonly SnapshotReceiver _snapshotReceiver = new();
    private readonly LeaderReplication _replication;
    private readonly List<RaftMessage> _outbox = [];
    private readonly List<ReadState> _readStates = [];
    private readonly List<ulong> _abortedReads = [];

    // Votes received in the current (pre-)campaign.
    private readonly VoteTally _votes = new();

    private Term _term;
    private ReplicaId _vote;
    private ReplicaId _leader;
    private RaftRole _role;

    // Logical time. The election clock is reset whenever a live leader is heard from (followers) or a
    // CheckQuorum round ends (leaders).
    private long _now;
    private int _electionElapsed;
    private int _heartbeatElapsed;

    // The host's shared tick count of the latest Tick(long), or -1 after Tick(): see Tick(long).
    private long _sharedTick = -1;

    // The shared tick count of the latest heartbeat (-1: none), so one count never beats twice.
    private long _lastBeatSharedTick = -1;
    private int _randomizedElectionTimeout;

    // Leader state.
    private bool _committedInTerm;
    private bool _broadcastNeeded;
    private ReplicaId _transferTarget;

    // Whether the current campaign was started by TimeoutNow (its vote requests bypass leases).
    private bool _campaignIsTransfer;

    // Whether this leader sent TimeoutNow in its term; if so it holds no lease any more.
    private bool _timeoutNowSent;

    // The tick at which a leader was last heard from. In lease mode a restarted replica starts as if
    // it had just heard from one, because it forgot when it really did.
    private long _lastLeaderContactTick;

    // Quiet: not ticked by the host, sending nothing (issue 6). Any input but the acknowledgements of
    // a quiet leader's own heartbeats wakes the replica.
    private bool _quiet;

    // Lease reads count only heartbeat rounds from this one on: a leader's clock stood still while it
    // was quiet, so a round sent before then proves nothing about how long ago followers heard from it.
    private ulong _leaseFloorRound;

    // What the host was last handed, so a Ready carries only changes.
    private HardState _handedHardState;
    private SoftState _handedSoftState;
    private Ready? _outstanding;

    /// <summary>Starts a replica from what its storage holds (a new replica passes the initial membership as an index-0 snapshot).</summary>
    public RaftNode(RaftConfig config, IRandomSource random, HardState hardState, Snapshot snapshot, IReadOnlyList<Entry> entries)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(entries);
        config.Validate();
        _config = config;
        _random = random;
        _log = new RaftLog(snapshot, entries, hardState.Commit);
        _progress = new ProgressTracker(config.MaxInflightAppends);
        _replication = new LeaderReplication(config, _log, _progress, _reads, _outbox);
        _term = hardState.Term;
        _vote = hardState.Vote;
        _handedHardState = new HardState(_term, _vote, _log.Committed);
        _handedSoftState = new SoftState(ReplicaId.None, RaftRole.Follower);
        _lastLeaderContactTick = config.ReadMode == ReadMode.LeaseBased ? 0 : -(long)config.ElectionTimeoutTicks;
        ResetElectionTimer();
    }

    /// <summary>Creates a brand-new replica of a group whose initial voters are <paramref name="voters"/>.</summary>
    public static RaftNode CreateNew(RaftConfig config, IRandomSource random, Membership voters) =>
        new(config, random, default, Snapshot.Initial(voters), []);

    public ReplicaId Id => _config.Id;

    public Term Term => _term;

    /// <summary>The replica this one voted for in <see cref="Term"/> (none if it has not voted).</summary>
    public ReplicaId Vote => _vote;

    public RaftRole Role => _role;

    public ReplicaId Leader => _leader;

    public LogIndex CommitIndex => _log.Committed;

    public LogIndex AppliedIndex => _log.Applied;

    public LogPosition LastPosition => _log.LastPosition;

    public Membership Membership => _log.Membership;

    /// <summary>Whether this replica is quiet: the host need not tick it until it wakes (issue 6).</summary>
    public bool IsQuiet => _quiet;

    public RaftCounters Counters { get; } = new();

    private bool IsPromotable => _log.Membership.IsVoter(_config.Id);

    /// <summary>Term of the entry at <paramref name="index"/>, when the log still holds it (for hosts and checkers).</summary>
    public bool TryGetTerm(LogIndex index, out Term term) => _log.TryGetTerm(index, out term);

    /// <summary>The entry at <paramref name="index"/>, when the log still holds it.</summary>
    public bool TryGetEntry(LogIndex index, out Entry entry)
    {
        entry = default;
        if (index < _log.FirstIndex || index > _log.LastIndex)
        {
            return false;
        }

        entry = _log.EntryAt(index);
        return true;
    }

    /// <summary>
    /// How many replicas the leader tracks (0 unless this replica leads): with <see cref="GetMatch"/>,
    /// an allocation-free view of replication for the host's metrics (follower lag).
    /// </summary>
    public int ProgressCount => _role == RaftRole.Leader ? _progress.All.Count : 0;

    /// <summary>The id and match index of the leader's tracked replica number <paramref name="position"/> (0 to <see cref="ProgressCount"/> − 1).</summary>
    public (ReplicaId Id, LogIndex Match) GetMatch(int position)
    {
        Progress progress = _progress.All[position];
        return (progress.Id, progress.Match);
    }

    public RaftStatus GetStatus() => new(
        _config.Id, _role, _term, _vote, _leader, _log.Committed, _log.Applied, _log.Persisted, _log.LastPosition,
        _log.SnapshotMetadata.Last, _log.Membership, _transferTarget,
        _role == RaftRole.Leader
            ? _progress.All.Select(p => new ReplicaProgress(p.Id, p.IsLearner, p.Match, p.Next, p.State.ToString(), p.RecentActive)).ToImmutableArray()
            : ImmutableArray<ReplicaProgress>.Empty);

    // ---------------------------------------------------------------- inputs

    /// <summary>Advances logical time by one tick: elections, heartbeats, CheckQuorum.</summary>
    public void Tick()
    {
        _sharedTick = -1;
        TickOnce();
    }

    /// <summary>
    /// Advances logical time by one tick, as <see cref="Tick()"/>, where
    /// <paramref name="sharedTick"/> is a count of ticks the host shares among all the replicas it
    /// hosts (a silo's timer periods). A leader then heartbeats on the ticks where that count is a
    /// multiple of <see cref="RaftConfig.HeartbeatTicks"/> (and still at least every
    /// HeartbeatTicks ticks if such a tick is missed; a leader out of phase beats once early to
    /// get in phase), so the heartbeats of every group one host
    /// leads are produced on the same ticks and can leave in one message per peer host
    /// (coalesced heartbeats, issue 6). Only the phase moves; the period stays HeartbeatTicks.
    /// </summary>
    public void Tick(long sharedTick)
    {
        _sharedTick = sharedTick;
        TickOnce();
    }

    private void TickOnce()
    {
        if (_quiet)
        {
            // A quiet replica's clock stands still; a tick the host sends anyway changes nothing.
            return;
        }

        _now++;
        if (_role == RaftRole.Leader)
        {
            TickLeader();
        }
        else
        {
            TickElection();
        }
    }

    /// <summary>Starts an election now, as if the election timer had fired (if this replica may vote).</summary>
    public void Campaign()
    {
        Wake();
        if (_role != RaftRole.Leader)
        {
            StartCampaign(leadershipTransfer: false);
        }
    }

    /// <summary>Feeds one message from a peer. Never throws on a peer's message; what it ignores it counts.</summary>
    public void Step(RaftMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.To != _config.Id || message.From == _config.Id || message.From.IsNone)
        {
            Counters.MisaddressedMessages++;
            return;
        }

        if (RaftMessageValidator.Check(message, _config) is not null)
        {
            Counters.MalformedMessages++;
            return;
        }

        if (_quiet && !KeepsQuiet(message))
        {
            Wake();
        }

        if (message.Term > _term)
        {
            if (!OnHigherTerm(message))
            {
                return;
            }
        }
        else if (message.Term < _term)
        {
            OnLowerTerm(message);
            return;
        }

        Dispatch(message);
    }

    /// <summary>Proposes a command; on a leader it is appended and will be replicated.</summary>
    public ProposeResult Propose(ReadOnlyMemory<byte> command)
    {
        Wake();
        return ProposeEntry(EntryKind.Command, command);
    }

    /// <summary>
    /// Proposes one single-server membership change (thesis §4.1). At most one change may be
    /// uncommitted, and only after the leader committed an entry of its term (the fix to the bug in
    /// thesis §4.1 reported on raft-dev in 2015). A learner is promoted only once it has caught up.
    /// </summary>
    public ProposeResult ProposeMembershipChange(MembershipChange change)
    {
        Wake();
        if (_role != RaftRole.Leader)
        {
            return ProposeResult.Rejected(RejectReason.NotLeader, _leader);
        }

        var (reason, detail) = MembershipChangePolicy.Check(change, _log, _committedInTerm, _progress.Get(change.Replica), _config.LearnerCatchUpMaxLagEntries, out var next);
        if (reason != RejectReason.None)
        {
            return ProposeResult.Rejected(reason, _leader, detail);
        }

        return ProposeEntry(EntryKind.MembershipChange, MembershipCodec.Encode(change, next));
    }

    /// <summary>
    /// Requests a linearizable read (thesis §6.4). When confirmed, a <see cref="ReadState"/> with this
    /// context appears in a Ready; the host answers once it has applied that index.
    /// </summary>
    public RequestResult ReadIndex(ulong context)
    {
        // A quiet leader's clock stood still, so it wakes (and gives up its lease) before serving.
        Wake();
        if (_role != RaftRole.Leader)
        {
            return RequestResult.Rejected(RejectReason.NotLeader, _leader);
        }

        if (_reads.Count >= _config.MaxPendingReads)
        {
            return RequestResult.Rejected(RejectReason.TooManyPendingReads, _leader);
        }

        if (!_committedInTerm)
        {
            _reads.AddAwaitingTermCommit(context);
        }
        else if (_progress.Membership.Voters.Length == 1 && _progress.Membership.IsVoter(_config.Id))
        {
            _readStates.Add(new ReadState(_log.Committed, context));
        }
        else if (_config.ReadMode == ReadMode.LeaseBased && HasLease())
        {
            _readStates.Add(new ReadState(_log.Committed, context));
        }
        else
        {
            _reads.Add(context, _log.Committed);
        }

        return RequestResult.Ok;
    }

    /// <summary>Hands leadership to <paramref name="target"/> (thesis §3.10); proposals are refused meanwhile.</summary>
    public RequestResult TransferLeadership(ReplicaId target)
    {
        Wake();
        if (_role != RaftRole.Leader)
        {
            return RequestResult.Rejected(RejectReason.NotLeader, _leader);
        }

        if (target == _config.Id)
        {
            return RequestResult.Ok;
        }

        if (!_progress.Membership.IsVoter(target))
        {
            return RequestResult.Rejected(RejectReason.InvalidTarget, _leader, $"replica {target} is not a voter");
        }

        _transferTarget = target;

        // The transfer must finish within one election timeout or it is abandoned (thesis §3.10).
        _electionElapsed = 0;
        var progress = _progress.Get(target)!;
        if (progress.Match == _log.LastIndex)
        {
            SendTimeoutNow(target);
        }
        else
        {
            SendAppend(progress, sendIfEmpty: true);
        }

        return RequestResult.Ok;
    }

    /// <summary>
    /// Tells the core that the host's state machine has captured everything up to
    /// <paramref name="index"/> (applied and persisted) in <paramref name="snapshotData"/>; the log
    /// up to it is discarded. Returns the snapshot the host must store in place of that log prefix,
    /// or null when the log was already compacted that far.
    /// </summary>
    public Snapshot? Compact(LogIndex index, ReadOnlyMemory<byte> snapshotData) => _log.Compact(index, snapshotData);

    /// <summary>
    /// Wakes a quiet replica: the host calls it when a peer's silo went down, so a follower's
    /// election clock runs again (it campaigns once its leader's lease has run out on its own clock)
    /// and a leader's CheckQuorum counts again. Proposals, reads and messages wake a replica themselves.
    /// </summary>
    public void Wake()
    {
        if (!_quiet)
        {
            return;
        }

        _quiet = false;
        Counters.Woken++;
        if (_role == RaftRole.Leader)
        {
            // CheckQuorum measures a full election timeout from now; followers that answered before
            // the quiet period do not count, and neither do heartbeat rounds sent before it.
            _electionElapsed = 0;
            _heartbeatElapsed = 0;
            _progress.ResetActivity(_config.Id);
            _leaseFloorRound = _reads.CurrentRound + 1;
        }
    }

    // Acknowledgements of a quiet leader's heartbeats, and a repeated quiesce heartbeat from the
    // current leader, keep a replica quiet; everything else wakes it.
    private bool KeepsQuiet(RaftMessage message) =>
        message.Term == _term && message switch
        {
            HeartbeatResponse => _role == RaftRole.Leader,
            Heartbeat { Quiesce: true } => _role == RaftRole.Follower && message.From == _leader,
            _ => false,
        };

    // An idle leader may go quiet when every member holds its whole log and everything is committed
    // in its term, nothing waits (reads, a transfer, unsent entries) and every follower answered
    // recently; its last heartbeat then tells the followers to go quiet too.
    private bool CanQuiesce()
    {
        if (!_config.Quiescence || !_committedInTerm || !_transferTarget.IsNone || _broadcastNeeded
            || _reads.Count > 0 || _reads.RoundNeeded || _log.Committed != _log.LastIndex || _log.Persisted != _log.LastIndex)
        {
            return false;
        }

        foreach (var progress in _progress.All)
        {
            if (progress.Id != _config.Id && (progress.Match != _log.LastIndex || !progress.RecentActive || progress.State != ProgressState.Replicate))
            {
                return false;
            }
        }

        return true;
    }

    // ---------------------------------------------------------------- Ready

    public bool HasReady =>
        _outstanding is null
        && (_outbox.Count > 0 || _readStates.Count > 0 || _abortedReads.Count > 0 || _log.HasUnstable || _log.HasEntriesToApply
            || _broadcastNeeded || _reads.RoundNeeded || CurrentHardState() != _handedHardState || CurrentSoftState() != _handedSoftState);

    /// <summary>Collects what the host must do; call <see cref="Advance"/> when it is done.</summary>
    public Ready TakeReady()
    {
        Invariant.Holds(_outstanding is null, "Advance must be called before the next TakeReady");
        if (_role == RaftRole.Leader)
        {
            FlushLeader();
        }

        var (snapshot, entries) = _log.TakeUnstable();
        var hard = CurrentHardState();
        var soft = CurrentSoftState();
        var ready = new Ready
        {
            SoftState = soft != _handedSoftState ? soft : null,
            HardState = hard != _handedHardState ? hard : null,
            Snapshot = snapshot,
            Entries = entries,
            CommittedEntries = _log.TakeCommittedToApply(),
            Messages = [.. _outbox],
            ReadStates = [.. _readStates],
            AbortedReads = [.. _abortedReads],
        };
        _outbox.Clear();
        _readStates.Clear();
        _abortedReads.Clear();
        _handedHardState = hard;
        _handedSoftState = soft;
        _outstanding = ready;
        return ready;
    }

    /// <summary>Confirms that the host persisted, sent and applied <paramref name="ready"/>.</summary>
    public void Advance(Ready ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        Invariant.Holds(ReferenceEquals(ready, _outstanding), "Advance must receive the outstanding Ready");
        _outstanding = null;
        _log.Advance(ready);
        if (_role == RaftRole.Leader)
        {
            // The leader counts itself towards commitment only for entries on its own disk.
            _progress.Get(_config.Id)?.MaybeUpdate(_log.Persisted);
            MaybeCommit();
        }
    }

    private HardState CurrentHardState() => new(_term, _vote, _log.Committed);

    private SoftState CurrentSoftState() => new(_leader, _role);

    // ---------------------------------------------------------------- terms

    // Returns whether the message should still be dispatched.
    private bool OnHigherTerm(RaftMessage message)
    {
        if (message is RequestVote request)
        {
            // A replica that hears from a live leader ignores vote requests, so a server that was
            // removed or cut off cannot disrupt the group (thesis §4.2.3). Leadership transfer is
            // the deliberate exception.
            if (InLease && !request.IsLeadershipTransfer)
            {
                Counters.VotesIgnoredInLease++;
                return false;
            }

            if (request.IsPreVote)
            {
                // A pre-vote changes no one's term (thesis §9.6).
                return true;
            }

            BecomeFollower(message.Term, ReplicaId.None);
            return true;
        }

        if (message is VoteResponse { IsPreVote: true, Granted: true })
        {
            // A granted pre-vote echoes the term we would campaign in; it is not a newer term.
            return true;
        }

        var leader = message is AppendEntries or Heartbeat or InstallSnapshot ? message.From : ReplicaId.None;
        BecomeFollower(message.Term, leader);
        return true;
    }

    private void OnLowerTerm(RaftMessage message)
    {
        Counters.StaleTermMessages++;
        if ((_config.CheckQuorum || _config.PreVote) && message is AppendEntries or Heartbeat)
        {
            // A leader of an older term: tell it our term so it steps down. Without this, a replica
            // whose term advanced while it was cut off could never rejoin, because with CheckQuorum
            // and PreVote its vote requests are ignored.
            Send(new AppendEntriesResponse(_config.Id, message.From, _term, false, LogIndex.Zero, LogIndex.Zero, default));
        }
        else if (message is RequestVote { IsPreVote: true })
        {
            Send(new VoteResponse(_config.Id, message.From, _term, IsPreVote: true, Granted: false));
        }
    }

    private void Dispatch(RaftMessage message)
    {
        switch (message)
        {
            case RequestVote m: OnRequestVote(m); break;
            case VoteResponse m: OnVoteResponse(m); break;
            case AppendEntries m: OnAppendEntries(m); break;
            case AppendEntriesResponse m: OnAppendEntriesResponse(m); break;
            case Heartbeat m: OnHeartbeat(m); break;
            case HeartbeatResponse m: OnHeartbeatResponse(m); break;
            case InstallSnapshot m: OnInstallSnapshot(m); break;
            case InstallSnapshotResponse m: OnInstallSnapshotResponse(m); break;
            case TimeoutNow m: OnTimeoutNow(m); break;
            default: Counters.UnexpectedMessages++; break;
        }
    }

    // ---------------------------------------------------------------- elections

    private void TickElection()
    {
        _electionElapsed++;
        if (IsPromotable && _electionElapsed >= _randomizedElectionTimeout)
        {
            _electionElapsed = 0;
            StartCampaign(leadershipTransfer: false);
            return;
        }

        if (_role is RaftRole.Candidate or RaftRole.PreCandidate && _electionElapsed % _config.HeartbeatTicks == 0)
        {
            ResendVoteRequests();
        }
    }

    // A lost vote request would cost a whole election timeout; ask again those who have not
    // answered (paper §5.1: RPCs are retried).
    private void ResendVoteRequests()
    {
        var preVote = _role == RaftRole.PreCandidate;
        var campaignTerm = preVote ? _term.Next() : _term;
        foreach (var voter in _log.Membership.Voters)
        {
            if (voter != _config.Id && !_votes.HasAnswered(voter))
            {
                Send(new RequestVote(_config.Id, voter, campaignTerm, _log.LastPosition, preVote, _campaignIsTransfer));
            }
        }
    }

    // A campaign starts with a pre-vote unless it is disabled, the pre-vote was just won, or this is a
    // leadership transfer.
    private void StartCampaign(bool leadershipTransfer, bool preVoteWon = false)
    {
        if (!IsPromotable)
        {
            return;
        }

        if (_config.ReadMode == ReadMode.LeaseBased && !leadershipTransfer && !preVoteWon && InLease)
        {
            // Lease reads rely on every replica that acknowledged the leader not voting, even for
            // itself, for an election timeout; an explicit Campaign() must wait too.
            Counters.VotesIgnoredInLease++;
            return;
        }

        Counters.Campaigns++;
        var preVote = _config.PreVote && !leadershipTransfer && !preVoteWon;
        Term campaignTerm;
        if (preVote)
        {
            BecomePreCandidate();
            campaignTerm = _term.Next();
        }
        else
        {
            BecomeCandidate();
            campaignTerm = _term;
        }

        _campaignIsTransfer = leadershipTransfer;
        _votes.Record(_config.Id, true);
        if (TallyVotes(preVote))
        {
            return;
        }

        foreach (var voter in _log.Membership.Voters)
        {
            if (voter != _config.Id)
            {
                Send(new RequestVote(_config.Id, voter, campaignTerm, _log.LastPosition, preVote, leadershipTransfer));
            }
        }
    }

    private void OnRequestVote(RequestVote m)
    {
        // paper §5.2 and §5.4.1; a pre-vote for a later term may be granted even after voting.
        var canVote = _vote == m.From || (_vote.IsNone && _leader.IsNone) || (m.IsPreVote && m.Term > _term);
        var upToDate = m.LastLog.IsAtLeastAsUpToDateAs(_log.LastPosition);
        if (canVote && upToDate)
        {
            Send(new VoteResponse(_config.Id, m.From, m.IsPreVote ? m.Term : _term, m.IsPreVote, Granted: true));
            if (!m.IsPreVote)
            {
                _vote = m.From;
                _electionElapsed = 0;
            }
        }
        else
        {
            Send(new VoteResponse(_config.Id, m.From, _term, m.IsPreVote, Granted: false));
        }
    }

    private void OnVoteResponse(VoteResponse m)
    {
        var expected = m.IsPreVote ? RaftRole.PreCandidate : RaftRole.Candidate;
        if (_role != expected || !_log.Membership.IsVoter(m.From))
        {
            Counters.UnexpectedMessages++;
            return;
        }

        _votes.Record(m.From, m.Granted);
        TallyVotes(m.IsPreVote);
    }

    // Returns whether the campaign ended (won or lost).
    private bool TallyVotes(bool preVote)
    {
        var outcome = _votes.Outcome(_log.Membership);
        if (outcome == ElectionOutcome.Won)
        {
            if (preVote)
            {
                StartCampaign(leadershipTransfer: false, preVoteWon: true);
                return true;
            }

            BecomeLeader();
            return true;
        }

        if (outcome == ElectionOutcome.Lost)
        {
            BecomeFollower(_term, ReplicaId.None);
            return true;
        }

        return false;
    }

    private void OnTimeoutNow(TimeoutNow m)
    {
        if (_role == RaftRole.Leader || !IsPromotable)
        {
            Counters.UnexpectedMessages++;
            return;
        }

        StartCampaign(leadershipTransfer: true);
    }

    private void BecomeFollower(Term term, ReplicaId leader)
    {
        if (term > _term)
        {
            _term = term;
            _vote = ReplicaId.None;
            _snapshotReceiver.Reset();
        }

        var wasLeader = _role == RaftRole.Leader;
        if (wasLeader)
        {
            _reads.Clear(_abortedReads);
        }

        _role = RaftRole.Follower;
        _quiet = false;
        _leader = leader;
        _transferTarget = ReplicaId.None;
        _broadcastNeeded = false;
        _committedInTerm = false;
        _votes.Clear();
        _heartbeatElapsed = 0;

        // The election timer restarts only on hearing from a leader, granting a vote or starting an
        // election (paper Figure 2). Merely learning of a higher term must not restart it, or a
        // replica that keeps campaigning without a chance (a removed server, a stale log) would
        // hold every other replica's timer back forever when there is no leader. A former
        // leader's clock counted CheckQuorum rounds, so it starts afresh.
        if (wasLeader)
        {
            ResetElectionTimer();
        }
    }

    private void BecomePreCandidate()
    {
        // A pre-candidate keeps its term and vote; it only learns whether it could win.
        _role = RaftRole.PreCandidate;
        _quiet = false;
        _leader = ReplicaId.None;
        _votes.Clear();
        ResetElectionTimer();
    }

    private void BecomeCandidate()
    {
        _term = _term.Next();
        _vote = _config.Id;
        _role = RaftRole.Candidate;
        _quiet = false;
        _leader = ReplicaId.None;
        _votes.Clear();
        ResetElectionTimer();
    }

    private void BecomeLeader()
    {
        Invariant.Holds(_role == RaftRole.Candidate, "only a candidate becomes leader");
        _role = RaftRole.Leader;
        _leader = _config.Id;
        _votes.Clear();
        _transferTarget = ReplicaId.None;
        _timeoutNowSent = false;
        _committedInTerm = false;
        _electionElapsed = 0;
        _heartbeatElapsed = 0;
        _progress.Reset(_log.Membership, _log.LastIndex.Next());
        var self = _progress.Get(_config.Id);
        self?.MaybeUpdate(_log.Persisted);

        // A new leader commits an empty entry of its term so that it learns what is committed and
        // can serve reads (paper §8, thesis §6.4).
        AppendAsLeader(EntryKind.Empty, ReadOnlyMemory<byte>.Empty);
    }

    private void ResetElectionTimer()
    {
        _electionElapsed = 0;
        _randomizedElectionTimeout = _config.ElectionTimeoutTicks + _random.Next(_config.ElectionTimeoutTicks);
    }

    // ---------------------------------------------------------------- follower side

    // A replica that heard from a live leader within the election timeout (or leads) neither votes
    // for others nor, with lease reads, campaigns itself. Measured from the last contact, which no
    // role or term change resets, so a stale message that raises our term cannot lift it.
    private bool InLease =>
        _config.CheckQuorum && (_role == RaftRole.Leader || _now - _lastLeaderContactTick < _config.ElectionTimeoutTicks);

    private void HeardFromLeader(RaftMessage m)
    {
        _lastLeaderContactTick = _now;
        if (_role != RaftRole.Follower)
        {
            BecomeFollower(m.Term, m.From);
        }

        _leader = m.From;
        _electionElapsed = 0;
    }

    private void OnAppendEntries(AppendEntries m)
    {
        if (_role == RaftRole.Leader)
        {
            // Two leaders in one term would breach Election Safety; a leader never steps for it.
            Counters.UnexpectedMessages++;
            return;
        }

        HeardFromLeader(m);
        if (m.Previous.Index < _log.SnapshotIndex)
        {
            // Everything up to our snapshot is committed and so matches the leader's log.
            Send(new AppendEntriesResponse(_config.Id, m.From, _term, true, _log.Committed, LogIndex.Zero, default));
            return;
        }

        if (_log.MatchTerm(m.Previous.Index, m.Previous.Term) && _log.ConflictsWithCommitted(m.Entries))
        {
            Counters.MalformedMessages++;
            return;
        }

        if (_log.TryAppendFromLeader(m.Previous, m.Entries, out var lastNew))
        {
            _log.CommitTo(LogIndex.Min(m.Commit, lastNew));
            Send(new AppendEntriesResponse(_config.Id, m.From, _term, true, lastNew, LogIndex.Zero, default));
            return;
        }

        var hint = _log.FindConflictByTerm(LogIndex.Min(m.Previous.Index, _log.LastIndex), m.Previous.Term);
        Send(new AppendEntriesResponse(_config.Id, m.From, _term, false, LogIndex.Zero, m.Previous.Index, hint));
    }

    private void OnHeartbeat(Heartbeat m)
    {
        if (_role == RaftRole.Leader)
        {
            Counters.UnexpectedMessages++;
            return;
        }

        HeardFromLeader(m);

        // The leader caps the commit index at what it knows we hold.
        _log.CommitTo(LogIndex.Min(m.Commit, _log.LastIndex));
        Send(new HeartbeatResponse(_config.Id, m.From, _term, m.ReadRound));

        // Quiet only when this log ends where the leader's committed log ends: otherwise the replica
        // stays awake, times out, and its campaign wakes the leader, which then repairs the log.
        if (m.Quiesce && !_quiet && _log.Committed == m.Commit && _log.LastIndex == m.Commit)
        {
            _quiet = true;
            Counters.Quiesced++;
        }
    }

    private void OnInstallSnapshot(InstallSnapshot m)
    {
        if (_role == RaftRole.Leader)
        {
            Counters.UnexpectedMessages++;
            return;
        }

        HeardFromLeader(m);
        var metadata = m.Metadata;
        if (metadata.Index <= _log.Committed)
        {
            _snapshotReceiver.Reset();
            Send(new InstallSnapshotResponse(_config.Id, m.From, _term, _log.Committed, m.Offset + m.Chunk.Length, Installed: true));
            return;
        }

        var snapshot = _snapshotReceiver.Accept(m.From, m.Term, m, out var nextOffset);
        if (snapshot is null)
        {
            Send(new InstallSnapshotResponse(_config.Id, m.From, _term, metadata.Index, nextOffset, Installed: false));
            return;
        }

        if (_log.MatchTerm(metadata.Index, metadata.Term))
        {
            // Our log already holds the snapshot's last entry, so everything before it matches:
            // keep the suffix and just learn that it is committed.
            _log.CommitTo(metadata.Index);
        }
        else
        {
            _log.Restore(snapshot);
        }

        Send(new InstallSnapshotResponse(_config.Id, m.From, _term, metadata.Index, nextOffset, Installed: true));
    }

    // ---------------------------------------------------------------- leader side

    // Every HeartbeatTicks ticks; with a shared tick count, also on every aligned tick (a multiple
    // of HeartbeatTicks) but never twice on one: a new leader or one that missed an aligned tick
    // beats early once and is in phase from then on (on an aligned tick the elapsed count is then
    // exactly HeartbeatTicks, so both rules agree).
    private bool HeartbeatDue()
    {
        bool aligned = _sharedTick >= 0 && _sharedTick % _config.HeartbeatTicks == 0 && _sharedTick != _lastBeatSharedTick;
        if (aligned || _heartbeatElapsed >= _config.HeartbeatTicks)
        {
            _lastBeatSharedTick = _sharedTick;
            return true;
        }

        return false;
    }

    private void TickLeader()
    {
        _heartbeatElapsed++;
        _electionElapsed++;
        if (_electionElapsed >= _config.ElectionTimeoutTicks)
        {
            _electionElapsed = 0;
            if (_config.CheckQuorum)
            {
                if (!_progress.QuorumActive(_config.Id))
                {
                    // Without a quorum this leader can commit nothing; stepping down lets clients
                    // find the real leader (thesis §6.2).
                    Counters.CheckQuorumStepDowns++;
                    BecomeFollower(_term, ReplicaId.None);
                    return;
                }

                _progress.ResetActivity(_config.Id);
            }

            _transferTarget = ReplicaId.None;
        }

        if (HeartbeatDue())
        {
            _heartbeatElapsed = 0;
            if (CanQuiesce())
            {
                _replication.BroadcastHeartbeat(_term, _now, quiesce: true);
                _quiet = true;
                Counters.Quiesced++;
                return;
            }

            BroadcastHeartbeat();
        }

        foreach (var progress in _progress.All)
        {
            _replication.MaybeRetransmitSnapshotChunk(progress, _term, _now);
        }
    }

    private ProposeResult ProposeEntry(EntryKind kind, ReadOnlyMemory<byte> data)
    {
        if (_role != RaftRole.Leader)
        {
            return ProposeResult.Rejected(RejectReason.NotLeader, _leader);
        }

        if (!_transferTarget.IsNone)
        {
            return ProposeResult.Rejected(RejectReason.LeadershipTransferInProgress, _leader);
        }

        if (_log.LastIndex.Value - _log.Committed.Value >= (ulong)_config.MaxUncommittedEntries)
        {
            return ProposeResult.Rejected(RejectReason.TooManyUncommitted, _leader);
        }

        return ProposeResult.At(AppendAsLeader(kind, data));
    }

    private LogPosition AppendAsLeader(EntryKind kind, ReadOnlyMemory<byte> data)
    {
        var entry = new Entry(_log.LastIndex.Next(), _term, kind, data);
        _log.AppendAsLeader(entry);
        if (kind == EntryKind.MembershipChange)
        {
            _progress.Update(_log.Membership, entry.Index);
        }

        _broadcastNeeded = true;
        return entry.Position;
    }

    // Sends what accumulated since the last Ready: new entries (many proposals per message), commit
    // updates, and a heartbeat round if reads wait for one.
    private void FlushLeader()
    {
        if (_reads.RoundNeeded)
        {
            BroadcastHeartbeat();
        }

        if (_broadcastNeeded)
        {
            _broadcastNeeded = false;
            _replication.SendToAll(_term, _now);
        }
    }

    private bool SendAppend(Progress progress, bool sendIfEmpty) => _replication.SendAppend(progress, _term, _now, sendIfEmpty);

    private void SendSnapshotChunk(Progress progress) => _replication.SendSnapshotChunk(progress, _term, _now);

    private void BroadcastHeartbeat()
    {
        _replication.BroadcastHeartbeat(_term, _now);
        ReleaseConfirmedReads();
    }

    private void OnAppendEntriesResponse(AppendEntriesResponse m)
    {
        var progress = _role == RaftRole.Leader ? _progress.Get(m.From) : null;
        if (progress is null)
        {
            Counters.UnexpectedMessages++;
            return;
        }

        if (m.MatchIndex > _log.LastIndex)
        {
            // A follower cannot hold more of our log than we do.
            Counters.MalformedMessages++;
            return;
        }

        progress.RecentActive = true;
        if (!m.Success)
        {
            _replication.OnRejected(progress, m, _term, _now);
            return;
        }

        var wasPaused = progress.IsPaused;
        if (progress.MaybeUpdate(m.MatchIndex))
        {
            switch (progress.State)
            {
                case ProgressState.Probe:
                    progress.BecomeReplicate();
                    break;
                case ProgressState.Snapshot when progress.Match >= progress.SendingSnapshot!.Metadata.Index:
                    progress.BecomeProbe();
                    progress.BecomeReplicate();
                    break;
                case ProgressState.Replicate:
                    progress.Inflights.FreeUpTo(progress.Match);
                    break;
            }

            MaybeCommit();
            if (wasPaused || progress.State == ProgressState.Replicate)
            {
                while (SendAppend(progress, sendIfEmpty: false))
                {
                }
            }

            if (m.From == _transferTarget && progress.Match == _log.LastIndex)
            {
                SendTimeoutNow(m.From);
            }
        }
        else if (progress.State == ProgressState.Probe && progress.ProbeSent)
        {
            // An answer to a probe that taught nothing new (for example a commit update): resume.
            progress.ProbeSent = false;
            SendAppend(progress, sendIfEmpty: false);
        }
    }

    private void OnHeartbeatResponse(HeartbeatResponse m)
    {
        var progress = _role == RaftRole.Leader ? _progress.Get(m.From) : null;
        if (progress is null)
        {
            Counters.UnexpectedMessages++;
            return;
        }

        progress.RecentActive = true;
        progress.AckedRound = Math.Max(progress.AckedRound, m.ReadRound);
        if (progress.State == ProgressState.Probe)
        {
            progress.ProbeSent = false;
        }
        else if (progress.State == ProgressState.Replicate && progress.Inflights.IsFull)
        {
            // If the whole window was lost nothing would ever free it; let one message through,
            // whose rejection resynchronises the follower.
            progress.Inflights.FreeFirst();
        }

        if (progress.Match < _log.LastIndex)
        {
            // An empty append at Next reveals lost messages: the follower rejects it and we probe.
            SendAppend(progress, sendIfEmpty: true);
        }

        ReleaseConfirmedReads();
    }

    private void OnInstallSnapshotResponse(InstallSnapshotResponse m)
    {
        var progress = _role == RaftRole.Leader ? _progress.Get(m.From) : null;
        if (progress is null || progress.State != ProgressState.Snapshot)
        {
            Counters.UnexpectedMessages++;
            return;
        }

        if (m.SnapshotIndex > _log.LastIndex)
        {
            Counters.MalformedMessages++;
            return;
        }

        progress.RecentActive = true;
        if (m.Installed)
        {
            progress.MaybeUpdate(m.SnapshotIndex);
            progress.BecomeProbe();
            SendAppend(progress, sendIfEmpty: true);
            return;
        }

        if (m.SnapshotIndex != progress.SendingSnapshot!.Metadata.Index || m.NextOffset == progress.SnapshotOffset)
        {
            // Stale, or a duplicate of an answer already acted on: sending again would start a
            // second chunk stream; the retransmission timer covers a lost chunk.
            return;
        }

        progress.SnapshotOffset = Math.Clamp(m.NextOffset, 0, progress.SendingSnapshot.Data.Length);
        SendSnapshotChunk(progress);
    }

    private void MaybeCommit()
    {
        var quorumMatch = _progress.QuorumMatch();

        // Only entries of the current term are committed by counting replicas (paper §5.4.2, Figure 8).
        if (quorumMatch > _log.Committed && _log.TryGetTerm(quorumMatch, out var term) && term == _term)
        {
            _log.CommitTo(quorumMatch);
            _broadcastNeeded = true;
            if (!_committedInTerm)
            {
                _committedInTerm = true;
                _reads.AssignIndexToWaiting(_log.Committed);
            }
        }

        // A leader removed from the membership steps down once the removal is committed (thesis §4.2.2).
        if (_role == RaftRole.Leader && !_log.Membership.IsVoter(_config.Id) && _log.Committed >= _log.MembershipIndex)
        {
            BecomeFollower(_term, ReplicaId.None);
        }
    }

    private void ReleaseConfirmedReads() => _reads.Release(_progress.QuorumAckedRound(), _readStates);

    private bool HasLease()
    {
        if (!_transferTarget.IsNone || _timeoutNowSent)
        {
            // During a transfer, and after TimeoutNow, another replica may win at once.
            return false;
        }

        var round = _progress.QuorumAckedRound();
        return round >= _leaseFloorRound && _reads.TryGetSentTick(round, out var sentAt)
            && _now - sentAt < _config.ElectionTimeoutTicks - _config.LeaseSafetyMarginTicks;
    }

    private void SendTimeoutNow(ReplicaId target)
    {
        // From now on the target may win a newer term at any moment, even while the other replicas
        // still hear from us (transfer votes bypass leader stickiness), so no lease protects this
        // leader for the rest of its term; reads fall back to ReadIndex rounds.
        _timeoutNowSent = true;
        Send(new TimeoutNow(_config.Id, target, _term));
    }

    private void Send(RaftMessage message) => _outbox.Add(message);
}
