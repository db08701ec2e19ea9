using Synod.Consensus;
using Synod.Consensus.Raft;

namespace Synod.Simulation.Raft;

/// <summary>
/// Runs the production Raft core, unchanged, on a simulated network, disk and clock. One seed fixes
/// every choice: message drops, duplicates, delays and reordering; symmetric, one-way and partial
/// partitions; crashes and restarts from what was persisted; per-replica clock rates; client writes,
/// reads, leadership transfers and membership changes. Safety is checked after every step by
/// <see cref="RaftChecker"/>; after the faults heal, a leader must appear and every pending client
/// request must complete within bounded time.
/// </summary>
public sealed class RaftSimulation
{
    private readonly RaftSimulationOptions _options;
    private readonly SplitMix64Random _random;
    private readonly RaftChecker _checker = new();
    private readonly SimNetwork _network;
    private readonly List<SimNode> _nodes = [];
    private readonly List<SimClient> _clients = [];
    private readonly EventQueue<SimEvent> _events = new();
    private readonly List<string> _trace = [];
    private readonly Membership _initialMembership;

    private long _steps;
    private ulong _nextReadContext;
    private bool _healed;
    private long _healedAt;
    private bool _leaderSeenAfterHeal;

    private long _crashes;
    private long _quiesced;

    // Whether this run's replicas pre-vote: most runs do; some run without, a valid configuration
    // that must be just as safe (the seed decides, so a failure replays).
    private readonly bool _preVote;
    private long _snapshotsInstalled;
    private long _membershipChanges;
    private long _transfers;
    private long _writesAcknowledged;

    private RaftSimulation(RaftSimulationOptions options)
    {
        options.Validate();
        _options = options;
        _random = new SplitMix64Random(options.Seed);
        _preVote = !options.Faults || _random.Chance(0.8);
        _network = new SimNetwork(_random, options.Nodes + 1, options.Trace ? _trace : null);
        _initialMembership = Membership.Create(Enumerable.Range(1, options.Nodes).Select(i => new ReplicaId((ulong)i)));
        for (var i = 1; i <= options.Nodes + 1; i++)
        {
            // The last replica starts outside the group: a spare for membership changes.
            var initial = i <= options.Nodes ? _initialMembership : Membership.Empty;
            var node = new SimNode(new ReplicaId((ulong)i), initial) { TickPeriodMillis = options.TickMillis };
            _nodes.Add(node);
        }

        for (var c = 1; c <= options.Clients; c++)
        {
            _clients.Add(new SimClient(c));
        }
    }

    /// <summary>Runs one seed to completion and reports what happened and the first violation, if any.</summary>
    public static RaftSimulationResult Run(RaftSimulationOptions options) => new RaftSimulation(options).Execute();

    private RaftSimulationResult Execute()
    {
        Violation? violation = null;
        try
        {
            Start();
            Loop();
        }
        catch (SimulationViolationException e)
        {
            violation = new Violation(_options.Seed, e.Invariant, e.Detail, _steps, Now);
        }
        catch (InvariantViolationException e)
        {
            // The core fail-stopped on one of its own invariants: in simulation that fails the run.
            violation = new Violation(_options.Seed, "Core Invariant", e.Message, _steps, Now);
        }

        if (violation is not null)
        {
            Trace($"VIOLATION {violation}");
        }

        return new RaftSimulationResult(
            _options.Seed, violation, _steps, Now, _checker.Elections, (long)_checker.CommittedLength.Value, _writesAcknowledged,
            _checker.ReadsChecked, _crashes, _network.Partitions, _snapshotsInstalled, _membershipChanges, _transfers,
            _quiesced + _nodes.Sum(n => n.Core?.Counters.Quiesced ?? 0), _trace);
    }

    private void Start()
    {
        Trace($"replicas {(_preVote ? "pre-vote" : "do not pre-vote")}");
        foreach (var node in _nodes)
        {
            node.TickPeriodMillis = _options.Faults ? SkewedTickPeriod(_options.ClockSkewPercent / 2) : _options.TickMillis;
            Boot(node);
        }

        foreach (var client in _clients)
        {
            Schedule(_random.Between(1, 50), new ClientEvent(client, 0));
        }

        if (_options.Faults)
        {
            Schedule(_random.Between(50, 300), new FaultEvent());
        }

        if (_options.MembershipChanges)
        {
            Schedule(_random.Between(200, 600), new AdminEvent());
        }
    }

    private void Loop()
    {
        while (_events.TryNext(out var next))
        {
            if (!_healed && _steps >= _options.Steps)
            {
                Heal();
            }

            _steps++;
            if (_steps > (_options.Steps * 20L) + 200_000)
            {
                throw new SimulationViolationException("Termination", $"the run did not settle: {_steps} steps, {Now - _healedAt}ms after healing");
            }

            Process(next);
            CheckSafety();
            if (_healed && CheckLiveness())
            {
                return;
            }
        }
    }

    private void Process(SimEvent next)
    {
        switch (next)
        {
            case TickEvent e: OnTick(e); break;
            case DeliverEvent e: OnDeliver(e); break;
            case PersistEvent e: OnPersisted(e); break;
            case ClientEvent e: OnClient(e); break;
            case ClientTimeoutEvent e: OnClientTimeout(e); break;
            case RestartEvent e: Boot(e.Node); break;
            case FaultEvent: OnFault(); break;
            case HealCutEvent e: _network.Heal(e.CutId); break;
            case AdminEvent: OnAdmin(); break;
            default: throw new InvalidOperationException("unknown event " + next);
        }
    }

    // ------------------------------------------------------------ replicas

    private RaftConfig ConfigFor(SimNode node) => new()
    {
        Id = node.Id,
        ElectionTimeoutTicks = 10,
        HeartbeatTicks = 1,
        ReadMode = _options.ReadMode,
        PreVote = _preVote,
        MaxSnapshotChunkBytes = 48,
        MaxInflightAppends = 8,
        MaxEntriesPerAppend = 16,
        LearnerCatchUpMaxLagEntries = 8,
        Quiescence = _options.Quiescence,
    };

    private void Boot(SimNode node)
    {
        if (node.IsAlive)
        {
            return;
        }

        var hard = node.Disk.HardState;
        if (_options.Bug == HostBug.ForgetVoteOnRestart)
        {
            hard = hard with { Vote = ReplicaId.None };
        }

        var random = new SplitMix64Random(_options.Seed ^ (node.Id.Value * 0x9E3779B97F4A7C15UL) ^ ((ulong)node.Incarnation << 40));
        var core = new RaftNode(ConfigFor(node), random, hard, node.Disk.Snapshot, node.Disk.Entries);
        node.Core = core;
        node.Machine = KvStateMachine.Load(node.Disk.Snapshot.Data.Span);
        node.CheckedCommit = node.Disk.Snapshot.Metadata.Index;
        node.Observed = (core.Term, core.Role);
        _checker.ObserveRestart(core, node.Disk.HardState.Commit);
        Trace($"boot {node.Id} (incarnation {node.Incarnation}) {hard} last={core.LastPosition}");
        Schedule(_random.Between(1, node.TickPeriodMillis), new TickEvent(node, node.Incarnation));
    }

    private void Crash(SimNode node)
    {
        if (!node.IsAlive)
        {
            return;
        }

        _crashes++;
        _quiesced += node.Core!.Counters.Quiesced;
        node.Core = null;
        node.Incarnation++;
        node.PendingReady = null;
        node.UnwrittenHardState = null;
        node.WaitingReads.Clear();
        Trace($"crash {node.Id}");
        WakeAll();
    }

    // A host learns from its transport that a peer's silo went down and wakes its quiet replicas
    // (issue 6); a crash or a partition is what the simulated transport would report.
    private void WakeAll()
    {
        foreach (var node in _nodes)
        {
            if (node.Core is { IsQuiet: true } core)
            {
                core.Wake();
                Pump(node);
            }
        }
    }

    private void OnTick(TickEvent e)
    {
        var node = e.Node;
        if (node.Incarnation != e.Incarnation || node.Core is null)
        {
            return;
        }

        // With quiescence on the simulation models issue 6's silo host: ticks carry a shared count
        // (virtual time in nominal tick periods), so leaders heartbeat in phase; skewed clocks make
        // that count skip and repeat, which the core must tolerate. Odd seeds only, so the plain
        // Tick() keeps its coverage in that mode too. No randomness is drawn for the choice.
        if (_options.Quiescence && (_options.Seed & 1) == 1)
        {
            node.Core.Tick(Now / _options.TickMillis);
        }
        else
        {
            node.Core.Tick();
        }

        Pump(node);
        Schedule(node.TickPeriodMillis, new TickEvent(node, node.Incarnation));
    }

    private void OnDeliver(DeliverEvent e)
    {
        var node = _nodes[(int)e.Message.To.Value - 1];
        if (node.Core is null)
        {
            return;
        }

        if (_options.Trace)
        {
            Trace($"deliver {RaftFormat.Describe(e.Message)}");
        }

        node.Core.Step(e.Message);
        Pump(node);
    }

    // Takes the node's Ready if it has one and no write is in flight; the write completes after a
    // simulated disk latency, during which the node keeps stepping.
    private void Pump(SimNode node)
    {
        var core = node.Core;
        if (core is null || node.PendingReady is not null || !core.HasReady)
        {
            return;
        }

        var ready = core.TakeReady();
        _checker.ObserveAppended(core, ready.Entries);
        node.PendingReady = ready;

        // The production host's overlaps (RaftReplicaGrain.PumpAsync): a leader whose Ready keeps its
        // term and vote sends before its write, and committed entries already on disk are applied
        // (and their clients answered) before it. The bug sends everything early, acks and votes too.
        var disk = node.Disk;
        var sendFirst = _options.Bug == HostBug.SendBeforePersist
            || (core.Role == RaftRole.Leader && (ready.HardState is not { } hard || (hard.Term == disk.HardState.Term && hard.Vote == disk.HardState.Vote)));
        var applyFirst = ready.Snapshot is null && (ready.CommittedEntries.IsEmpty || ready.CommittedEntries[^1].Index <= disk.LastIndex);
        if (sendFirst)
        {
            SendAll(ready);
        }

        if (applyFirst)
        {
            ApplyCommitted(node, core, ready);
        }

        var latency = _healed || !_options.Faults ? _random.Between(0, 1) : _random.Between(0, 3);
        Schedule(latency, new PersistEvent(node, node.Incarnation, ready, sendFirst, applyFirst));
    }

    private void OnPersisted(PersistEvent e)
    {
        var node = e.Node;
        var core = node.Core;
        if (node.Incarnation != e.Incarnation || core is null)
        {
            return;
        }

        var ready = e.Ready;
        if (ready.Snapshot is null && ready.Entries.IsEmpty && ready.HardState is { } commitOnly
            && commitOnly.Term == node.Disk.HardState.Term && commitOnly.Vote == node.Disk.HardState.Vote)
        {
            // Only the commit index changed: like the production host, nothing is written; it goes
            // to disk with the next write, and a crash before then loses it.
            node.UnwrittenHardState = commitOnly;
        }
        else
        {
            node.Disk.Write(ready, ready.HardState ?? node.UnwrittenHardState);
            node.UnwrittenHardState = null;
        }
        if (!e.SentFirst)
        {
            SendAll(ready);
        }

        if (!e.AppliedFirst)
        {
            ApplyCommitted(node, core, ready);
        }

        if (ready.SoftState is { } soft && _options.Trace)
        {
            Trace($"{node.Id} is {soft.Role} (leader {soft.Leader}) at term {core.Term}");
        }

        core.Advance(ready);
        node.PendingReady = null;
        MaybeCompact(node, core);
        if (!_healed && _options.Faults && JustVoted(ready) && _random.Chance(0.1))
        {
            // Crash at an interesting point: right after a vote went out, while the election is on.
            Crash(node);
            Schedule(_random.Between(1, 10), new RestartEvent(node));
            return;
        }

        Pump(node);
    }

    private void ApplyCommitted(SimNode node, RaftNode core, Ready ready)
    {
        if (ready.Snapshot is not null)
        {
            _snapshotsInstalled++;
            node.Machine = KvStateMachine.Load(ready.Snapshot.Data.Span);
            Trace($"{node.Id} installed snapshot {ready.Snapshot.Metadata.Last}");
        }

        foreach (var entry in ready.CommittedEntries)
        {
            _checker.ObserveApplied(core, entry);
            node.Machine.Apply(entry);
            AcknowledgeWrites(node, entry);
        }

        node.WaitingReads.AddRange(ready.ReadStates);
        ServeReads(node);
        foreach (var context in ready.AbortedReads)
        {
            RetryReadWithContext(context);
        }
    }

    private static bool JustVoted(Ready ready)
    {
        foreach (var message in ready.Messages)
        {
            if (message is VoteResponse { IsPreVote: false, Granted: true })
            {
                return true;
            }
        }

        return false;
    }

    private void SendAll(Ready ready)
    {
        foreach (var message in ready.Messages)
        {
            foreach (var delay in _network.Route((int)message.From.Value, (int)message.To.Value, _healed))
            {
                Schedule(delay, new DeliverEvent(message));
            }
        }
    }

    private void MaybeCompact(SimNode node, RaftNode core)
    {
        var status = core.GetStatus();
        var applied = core.AppliedIndex;
        if (applied.Value < status.SnapshotLast.Index.Value + (ulong)_options.CompactEveryEntries || node.Machine.Applied != applied)
        {
            return;
        }

        var snapshot = core.Compact(applied, node.Machine.Save());
        if (snapshot is not null)
        {
            node.Disk.SaveSnapshot(snapshot);
        }
    }

    // ------------------------------------------------------------ clients

    private void OnClient(ClientEvent e)
    {
        var client = e.Client;
        if (client.Current is null)
        {
            StartOperation(client);
        }
        else if (client.Current.Attempt == e.Attempt)
        {
            Submit(client);
        }
    }

    private void StartOperation(SimClient client)
    {
        if (_healed)
        {
            return;
        }

        client.Sequence++;
        var isWrite = _random.Chance(0.65);
        client.Current = new ClientOperation
        {
            IsWrite = isWrite,
            Key = _random.Next(_options.Keys),
            Sequence = client.Sequence,
            Value = (client.Id * 1_000_000L) + (long)client.Sequence,
            LowestIndex = _checker.MaxAcknowledgedWrite,
        };
        Submit(client);
    }

    private void Submit(SimClient client)
    {
        var op = client.Current!;
        op.Attempt++;
        var node = PickTarget(client);
        if (node?.Core is not { } core)
        {
            Schedule(_random.Between(5, 20), new ClientEvent(client, op.Attempt));
            return;
        }

        bool accepted;
        ReplicaId hint;
        if (op.IsWrite)
        {
            var result = core.Propose(new KvCommand(client.Id, op.Sequence, op.Key, op.Value).Encode());
            (accepted, hint) = (result.Accepted, result.LeaderHint);
            op.SubmittedAt = result.Position;
        }
        else if (_options.Bug == HostBug.StaleLocalReads)
        {
            CompleteRead(client, node, node.Machine.Get(op.Key));
            return;
        }
        else
        {
            op.ReadContext = ++_nextReadContext;
            var result = core.ReadIndex(op.ReadContext);
            (accepted, hint) = (result.Accepted, result.LeaderHint);
        }

        if (!accepted)
        {
            client.Target = hint;
            Schedule(_random.Between(1, 10), new ClientEvent(client, op.Attempt));
            return;
        }

        op.SubmittedTo = node.Id;
        op.SubmittedIncarnation = node.Incarnation;
        Trace($"client {client.Id} {(op.IsWrite ? $"put k{op.Key}={op.Value}" : $"get k{op.Key}")} -> {node.Id} (attempt {op.Attempt})");
        Schedule(30 * _options.TickMillis, new ClientTimeoutEvent(client, op.Attempt));
        Pump(node);
    }

    private SimNode? PickTarget(SimClient client)
    {
        if (!client.Target.IsNone && _nodes[(int)client.Target.Value - 1].IsAlive)
        {
            return _nodes[(int)client.Target.Value - 1];
        }

        var alive = _nodes.Where(n => n.IsAlive).ToList();
        if (alive.Count == 0)
        {
            return null;
        }

        var pick = alive[_random.Next(alive.Count)];
        client.Target = pick.Id;
        return pick;
    }

    private void OnClientTimeout(ClientTimeoutEvent e)
    {
        var op = e.Client.Current;
        if (op is not null && op.Attempt == e.Attempt)
        {
            e.Client.Target = ReplicaId.None;
            Submit(e.Client);
        }
    }

    private void AcknowledgeWrites(SimNode node, Entry entry)
    {
        foreach (var client in _clients)
        {
            var op = client.Current;
            if (op is not { IsWrite: true } || op.SubmittedTo != node.Id || op.SubmittedIncarnation != node.Incarnation || op.SubmittedAt.Index != entry.Index)
            {
                continue;
            }

            if (entry.Kind == EntryKind.Command && KvCommand.Decode(entry.Data.Span) is var command && command.Client == client.Id && command.Sequence == op.Sequence)
            {
                _checker.ObserveWriteAcknowledged(client.Id, op.Sequence);
                _writesAcknowledged++;
                Trace($"client {client.Id} put k{op.Key}={op.Value} acknowledged at {entry.Index}");
                Finish(client);
            }
            else
            {
                // Another entry took the slot: the proposal was lost with its leader's term; retry.
                Schedule(_random.Between(1, 5), new ClientEvent(client, op.Attempt));
                op.SubmittedTo = ReplicaId.None;
            }
        }
    }

    private void ServeReads(SimNode node)
    {
        node.WaitingReads.RemoveAll(read =>
        {
            if (read.Index > node.Machine.Applied)
            {
                return false;
            }

            foreach (var client in _clients)
            {
                if (client.Current is { IsWrite: false } op && op.ReadContext == read.Context && op.SubmittedTo == node.Id)
                {
                    CompleteRead(client, node, node.Machine.Get(op.Key));
                }
            }

            return true;
        });
    }

    private void CompleteRead(SimClient client, SimNode node, long value)
    {
        var op = client.Current!;
        Trace($"client {client.Id} get k{op.Key} = {value} from {node.Id} (applied {node.Machine.Applied})");
        _checker.ObserveRead(op.Key, value, op.LowestIndex, $"client {client.Id} read from replica {node.Id} at applied {node.Machine.Applied}");
        Finish(client);
    }

    private void RetryReadWithContext(ulong context)
    {
        foreach (var client in _clients)
        {
            if (client.Current is { IsWrite: false } op && op.ReadContext == context)
            {
                client.Target = ReplicaId.None;
                Schedule(_random.Between(1, 5), new ClientEvent(client, op.Attempt));
            }
        }
    }

    private void Finish(SimClient client)
    {
        client.Current = null;

        // With quiescence on, clients sometimes pause long enough for the group to go quiet, so
        // runs wake quiet groups with writes, reads, crashes and partitions.
        var pause = _options.Quiescence && _random.Chance(0.2) ? _random.Between(100, 400) : _random.Between(1, 20);
        Schedule(pause, new ClientEvent(client, 0));
    }

    // ------------------------------------------------------------ faults and administration

    private void OnFault()
    {
        if (_healed)
        {
            return;
        }

        var leader = CurrentLeader();
        var alive = _nodes.Where(n => n.IsAlive).ToList();
        switch (_random.Next(10))
        {
            case 0:
            case 1:
                ScheduleHeal(_network.CutRandomPartition(_nodes.Count, leader is null ? null : (int)leader.Id.Value));
                WakeAll();
                break;
            case 2:
            case 3:
                if (alive.Count > 0)
                {
                    // Half the time the leader: every leader crash forces an election.
                    var victim = leader is not null && _random.Chance(0.5) ? leader : alive[_random.Next(alive.Count)];
                    Crash(victim);

                    // Supervisors often restart a process at once; quick restarts land mid-election.
                    Schedule(_random.Chance(0.3) ? _random.Between(1, 10) : _random.Between(10, 300), new RestartEvent(victim));
                }

                break;
            case 4:
                if (_random.Chance(0.2))
                {
                    // Every replica at once: only what was persisted survives.
                    foreach (var node in alive)
                    {
                        Crash(node);
                        Schedule(_random.Between(20, 200), new RestartEvent(node));
                    }
                }

                break;
            case 5:
                // Clock skew: one replica's clock runs faster or slower.
                var skewed = _nodes[_random.Next(_nodes.Count)];
                skewed.TickPeriodMillis = SkewedTickPeriod(_options.ClockSkewPercent);
                Trace($"clock of {skewed.Id} now ticks every {skewed.TickPeriodMillis}ms");
                break;
            default:
                _network.ChangeWeather();
                break;
        }

        Schedule(_random.Between(30, 250), new FaultEvent());
    }

    // A period within the given percentage of nominal (at whole-millisecond resolution).
    private int SkewedTickPeriod(int percent) =>
        Math.Max(1, _random.Between(_options.TickMillis * (100 - percent) / 100, _options.TickMillis * (100 + percent) / 100));

    private void ScheduleHeal(int cutId)
    {
        if (cutId > 0)
        {
            Schedule(_random.Between(50, 500), new HealCutEvent(cutId));
        }
    }

    private void OnAdmin()
    {
        if (_healed)
        {
            return;
        }

        Schedule(_random.Between(100, 400), new AdminEvent());
        var leader = CurrentLeader();
        if (leader?.Core is not { } core)
        {
            return;
        }

        var membership = core.Membership;
        if (_random.Chance(0.15))
        {
            // An operator forcing an election on some replica: legal at any time, and it must not
            // break safety (with lease reads it must not break the lease either).
            var candidates = _nodes.Where(n => n.Core is not null && n != leader).ToList();
            if (candidates.Count > 0)
            {
                var forced = candidates[_random.Next(candidates.Count)];
                forced.Core!.Campaign();
                Trace($"forced campaign on {forced.Id}");
                Pump(forced);
            }
        }
        else if (_random.Chance(0.3))
        {
            var others = membership.Voters.Where(v => v != leader.Id).ToList();
            if (others.Count > 0)
            {
                var target = others[_random.Next(others.Count)];
                var result = core.TransferLeadership(target);
                _transfers += result.Accepted ? 1 : 0;
                Trace($"transfer leadership {leader.Id} -> {target}: {result}");
            }
        }
        else
        {
            ProposeMembershipChange(leader, core, membership);
        }

        Pump(leader);
    }

    private void ProposeMembershipChange(SimNode leader, RaftNode core, Membership membership)
    {
        MembershipChange change;
        if (!membership.Learners.IsEmpty)
        {
            change = new MembershipChange(MembershipChangeKind.PromoteLearner, membership.Learners[0]);
        }
        else if (membership.Voters.Length >= _options.Nodes)
        {
            var others = membership.Voters.Where(v => v != leader.Id).ToList();
            change = new MembershipChange(MembershipChangeKind.RemoveReplica, others[_random.Next(others.Count)]);
        }
        else
        {
            var outside = _nodes.Where(n => !membership.Contains(n.Id)).ToList();
            change = new MembershipChange(MembershipChangeKind.AddLearner, outside[_random.Next(outside.Count)].Id);
        }

        var result = core.ProposeMembershipChange(change);
        _membershipChanges += result.Accepted ? 1 : 0;
        Trace($"membership {change.Kind} {change.Replica} via {leader.Id}: {result}");
    }

    private SimNode? CurrentLeader()
    {
        SimNode? best = null;
        foreach (var node in _nodes)
        {
            if (node.Core is { Role: RaftRole.Leader } core && (best is null || core.Term > best.Core!.Term))
            {
                best = node;
            }
        }

        return best;
    }

    private void Heal()
    {
        _healed = true;
        _healedAt = Now;
        _network.HealAll();
        foreach (var node in _nodes)
        {
            node.TickPeriodMillis = SkewedTickPeriod(_options.ClockSkewPercent / 2);
            if (!node.IsAlive)
            {
                Boot(node);
            }
        }

        Trace("faults healed");
    }

    // ------------------------------------------------------------ checks

    private void CheckSafety()
    {
        foreach (var node in _nodes)
        {
            if (node.Core is not { } core)
            {
                continue;
            }

            var observed = (core.Term, core.Role);
            if (observed != node.Observed)
            {
                node.Observed = observed;
                if (core.Role == RaftRole.Leader)
                {
                    Trace($"{node.Id} became leader at term {core.Term} last={core.LastPosition} commit={core.CommitIndex}");
                    _checker.ObserveLeader(core);
                }
            }

            node.CheckedCommit = _checker.ObserveCommit(core, node.CheckedCommit);
        }
    }

    // Returns true when the run may end: a leader exists and no client request is pending.
    private bool CheckLiveness()
    {
        var leader = CurrentLeader();
        if (leader?.Core is { } core && core.Membership.IsVoter(leader.Id))
        {
            _leaderSeenAfterHeal = true;
        }

        var elapsedTicks = (Now - _healedAt) / _options.TickMillis;
        if (!_leaderSeenAfterHeal && elapsedTicks > _options.LeaderDeadlineTicks)
        {
            throw new SimulationViolationException("Liveness", $"no leader {_options.LeaderDeadlineTicks} ticks after faults healed");
        }

        var pending = _clients.Where(c => c.Current is not null).ToList();
        if (_leaderSeenAfterHeal && pending.Count == 0)
        {
            return true;
        }

        if (elapsedTicks > _options.CompletionDeadlineTicks)
        {
            var list = string.Join(", ", pending.Select(c => $"client {c.Id} {(c.Current!.IsWrite ? "write" : "read")} #{c.Current.Sequence}"));
            throw new SimulationViolationException("Liveness", $"{_options.CompletionDeadlineTicks} ticks after faults healed still pending: {list}");
        }

        return false;
    }

    private long Now => _events.Now;

    private void Schedule(long delay, SimEvent e) => _events.Schedule(delay, e);

    private void Trace(string line)
    {
        if (_options.Trace)
        {
            _trace.Add($"{Now,7}ms #{_steps,-6} {line}");
        }
    }

    private abstract record SimEvent;

    private sealed record TickEvent(SimNode Node, int Incarnation) : SimEvent;

    private sealed record DeliverEvent(RaftMessage Message) : SimEvent;

    private sealed record PersistEvent(SimNode Node, int Incarnation, Ready Ready, bool SentFirst, bool AppliedFirst) : SimEvent;

    private sealed record ClientEvent(SimClient Client, int Attempt) : SimEvent;

    private sealed record ClientTimeoutEvent(SimClient Client, int Attempt) : SimEvent;

    private sealed record RestartEvent(SimNode Node) : SimEvent;

    private sealed record FaultEvent : SimEvent;

    private sealed record HealCutEvent(int CutId) : SimEvent;

    private sealed record AdminEvent : SimEvent;
}
