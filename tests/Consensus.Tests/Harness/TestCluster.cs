using System.Text;
using Synod.Consensus.Raft;

namespace Synod.Consensus.Tests.Harness;

/// <summary>
/// A deterministic in-memory group of <see cref="RaftNode"/>s for scenario tests: per-replica storage
/// and state machine, a FIFO network with one-way link cuts and partitions (plus optional seeded
/// loss, duplication and reordering), logical ticks, crashes and restarts from storage. Drains every
/// Ready by the host rules (persist, send, apply, Advance) and checks Election Safety and State
/// Machine Safety (paper Figure 3) on the way. No clock, no threads, replicas visited in id order.
/// </summary>
internal sealed class TestCluster
{
    // Bounds that turn a livelock (replicas that never stop talking) into a test failure rather
    // than a hang or an out-of-memory crash of the test host.
    private const int MaxStabilizeRounds = 10_000;
    private const int MaxDeliveriesPerStabilize = 200_000;

    private readonly SortedDictionary<ulong, TestReplica> _replicas = [];
    private readonly List<RaftMessage> _inFlight = [];
    private readonly HashSet<(ulong From, ulong To)> _cutLinks = [];
    private readonly List<RaftMessage> _delivered = [];
    private readonly Dictionary<Term, ulong> _leaderOfTerm = [];
    private readonly Dictionary<LogIndex, (Term Term, EntryKind Kind, string Data)> _appliedAt = [];
    private readonly Func<RaftConfig, RaftConfig> _configure;
    private readonly ulong _seed;

    /// <summary>Creates <paramref name="voters"/> brand-new replicas with ids 1..N, all voters.</summary>
    public TestCluster(int voters, ulong seed = 1, Func<RaftConfig, RaftConfig>? configure = null)
    {
        _seed = seed;
        _configure = configure ?? (c => c);
        var membership = Membership.OfVoters([.. Enumerable.Range(1, voters).Select(i => new ReplicaId((ulong)i))]);
        for (var id = 1UL; id <= (ulong)voters; id++)
        {
            Start(id, Snapshot.Initial(membership));
        }
    }

    /// <summary>
    /// When true, the host calls Advance only after the next batch of messages has been delivered,
    /// so messages are stepped into a replica between TakeReady and Advance, as the Ready contract
    /// allows (an asynchronous host that persists in the background).
    /// </summary>
    public bool DeferAdvance { get; init; }

    /// <summary>When set, messages it returns true for are delivered twice (the copy right after the original).</summary>
    public Func<RaftMessage, bool>? DuplicateIf { get; set; }

    /// <summary>When set, each batch of messages in flight is delivered in an order shuffled by this source.</summary>
    public SplitMix64Random? Reorder { get; set; }

    /// <summary>When set, messages it returns true for are lost in the network.</summary>
    public Func<RaftMessage, bool>? DropIf { get; set; }

    /// <summary>Every message stepped into a replica, in delivery order.</summary>
    public IReadOnlyList<RaftMessage> Delivered => _delivered;

    public IEnumerable<ulong> Ids => _replicas.Keys;

    public RaftConfig Config(ulong id) => _replicas[id].Config;

    public RaftNode Node(ulong id) => _replicas[id].Node ?? throw new InvalidOperationException($"replica {id} is down");

    public bool IsUp(ulong id) => _replicas[id].Node is not null;

    public MemoryStorage Storage(ulong id) => _replicas[id].Storage;

    public IReadOnlyList<string> Applied(ulong id) => _replicas[id].StateMachine.Commands;

    public IReadOnlyList<ReadState> ReadStates(ulong id) => _replicas[id].ReadStates;

    public IReadOnlyList<ulong> AbortedReads(ulong id) => _replicas[id].AbortedReads;

    public IEnumerable<ulong> Followers(ulong leader) => UpIds().Where(id => id != leader);

    // ---------------------------------------------------------------- replicas

    /// <summary>Starts a new replica that knows no membership yet; it learns it from the leader (a joining learner).</summary>
    public void AddReplica(ulong id)
    {
        if (_replicas.ContainsKey(id))
        {
            throw new InvalidOperationException($"replica {id} exists");
        }

        Start(id, Snapshot.Initial(Membership.Empty));
    }

    /// <summary>Stops a replica: it loses everything not yet persisted; messages to it are lost.</summary>
    public void Crash(ulong id)
    {
        _ = Node(id);
        _replicas[id].Node = null;
        _replicas[id].Unadvanced = null;
    }

    /// <summary>Starts a crashed replica again from its storage; its state machine is rebuilt from the snapshot and the log.</summary>
    public void Restart(ulong id)
    {
        if (IsUp(id))
        {
            throw new InvalidOperationException($"replica {id} is up");
        }

        var replica = _replicas[id];
        var storage = replica.Storage;
        replica.Starts++;
        replica.Node = new RaftNode(replica.Config, NewRandom(id, replica.Starts), storage.HardState, storage.Snapshot, [.. storage.Entries]);
        replica.StateMachine = new TestStateMachine();
        replica.StateMachine.Restore(storage.Snapshot);
    }

    /// <summary>Restarts a replica from crafted storage: the given hard state and entries after its current snapshot.</summary>
    public void RestartWith(ulong id, HardState hardState, IEnumerable<Entry> entries)
    {
        if (IsUp(id))
        {
            Crash(id);
        }

        var storage = _replicas[id].Storage;
        storage.Replace(hardState, storage.Snapshot, entries);
        Restart(id);
    }

    // ---------------------------------------------------------------- network

    /// <summary>Loses every message from <paramref name="from"/> to <paramref name="to"/> (one direction).</summary>
    public void Cut(ulong from, ulong to) => _cutLinks.Add((from, to));

    /// <summary>Loses every message between <paramref name="a"/> and <paramref name="b"/>, both directions.</summary>
    public void Disconnect(ulong a, ulong b)
    {
        Cut(a, b);
        Cut(b, a);
    }

    public void Isolate(ulong id)
    {
        foreach (var other in _replicas.Keys)
        {
            if (other != id)
            {
                Disconnect(id, other);
            }
        }
    }

    /// <summary>Symmetric partition: replicas on different sides cannot talk, e.g. <c>Partition([1], [2, 3])</c>.</summary>
    public void Partition(params ulong[][] sides)
    {
        for (var i = 0; i < sides.Length; i++)
        {
            for (var j = i + 1; j < sides.Length; j++)
            {
                foreach (var a in sides[i])
                {
                    foreach (var b in sides[j])
                    {
                        Disconnect(a, b);
                    }
                }
            }
        }
    }

    /// <summary>Restores every link and a perfect network (no loss, duplication or reordering).</summary>
    public void Heal()
    {
        _cutLinks.Clear();
        DropIf = null;
        DuplicateIf = null;
        Reorder = null;
    }

    // ---------------------------------------------------------------- time and delivery

    /// <summary>Ticks one replica without delivering anything.</summary>
    public void Tick(ulong id, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            Node(id).Tick();
        }
    }

    /// <summary>Ticks every live replica once and stabilizes, <paramref name="times"/> times.</summary>
    public void TickAll(int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            foreach (var id in UpIds())
            {
                Node(id).Tick();
            }

            Stabilize();
        }
    }

    /// <summary>
    /// Drains every Ready and delivers every message until nothing is left, or until
    /// <paramref name="until"/> holds (checked after each Ready and each delivered message; what is
    /// still in flight then stays in flight). Returns whether <paramref name="until"/> held.
    /// </summary>
    public bool Stabilize(Func<bool>? until = null)
    {
        var deliveries = 0;
        for (var round = 0; round < MaxStabilizeRounds; round++)
        {
            var readied = false;
            foreach (var id in UpIds())
            {
                readied |= AdvancePending(id);
                while (_replicas[id].Node is { HasReady: true })
                {
                    ProcessReady(id);
                    readied = true;
                    if (until?.Invoke() == true)
                    {
                        return true;
                    }
                }
            }

            if (!readied && _inFlight.Count == 0)
            {
                return until?.Invoke() == true;
            }

            deliveries += _inFlight.Count;
            if (deliveries > MaxDeliveriesPerStabilize)
            {
                var sample = string.Join("; ", _inFlight.Take(4));
                _inFlight.Clear();
                throw new InvalidOperationException(
                    $"livelock: more than {MaxDeliveriesPerStabilize} messages in one Stabilize without quiescing, e.g. {sample}");
            }

            var batch = TakeBatch();
            for (var i = 0; i < batch.Length; i++)
            {
                Deliver(batch[i]);
                if (until?.Invoke() == true)
                {
                    _inFlight.InsertRange(0, batch[(i + 1)..]);
                    return true;
                }
            }
        }

        _inFlight.Clear();
        throw new InvalidOperationException($"livelock: the cluster did not stabilize within {MaxStabilizeRounds} rounds");
    }

    /// <summary>Handles one Ready of one replica by the host rules, if it has one.</summary>
    public void ProcessReady(ulong id)
    {
        var replica = _replicas[id];
        var node = Node(id);
        AdvancePending(id);
        if (!node.HasReady)
        {
            return;
        }

        var ready = node.TakeReady();

        // 1. Persist. 2. Send. 3. Apply. 4. Advance.
        replica.Storage.Persist(ready);
        foreach (var message in ready.Messages)
        {
            if (message.From.Value != id)
            {
                throw new InvalidOperationException($"replica {id} sent a message from {message.From}");
            }

            _inFlight.Add(message);
        }

        if (ready.Snapshot is not null)
        {
            replica.StateMachine.Restore(ready.Snapshot);
        }

        foreach (var entry in ready.CommittedEntries)
        {
            replica.StateMachine.Apply(entry);
            CheckStateMachineSafety(id, entry);
        }

        replica.ReadStates.AddRange(ready.ReadStates);
        replica.AbortedReads.AddRange(ready.AbortedReads);
        CheckElectionSafety(id, node);
        if (DeferAdvance)
        {
            replica.Unadvanced = ready;
        }
        else
        {
            node.Advance(ready);
        }
    }

    // Confirms a deferred Ready; returns whether there was one.
    private bool AdvancePending(ulong id)
    {
        var replica = _replicas[id];
        if (replica.Unadvanced is not { } ready)
        {
            return false;
        }

        replica.Unadvanced = null;
        Node(id).Advance(ready);
        return true;
    }

    // ---------------------------------------------------------------- conveniences

    /// <summary>The live leader of the highest term among <paramref name="among"/> (all replicas when empty), if any.</summary>
    public ulong? Leader(params ulong[] among)
    {
        ulong? best = null;
        foreach (var id in UpIds())
        {
            if ((among.Length == 0 || among.Contains(id)) && Node(id).Role == RaftRole.Leader
                && (best is null || Node(id).Term > Node(best.Value).Term))
            {
                best = id;
            }
        }

        return best;
    }

    /// <summary>Ticks everyone until a leader exists among <paramref name="among"/>; fails after <paramref name="maxTicks"/>.</summary>
    public ulong WaitForLeader(int maxTicks = 100, params ulong[] among)
    {
        for (var tick = 0; tick <= maxTicks; tick++)
        {
            if (Leader(among) is { } leader)
            {
                return leader;
            }

            TickAll();
        }

        throw new InvalidOperationException($"no leader after {maxTicks} ticks");
    }

    /// <summary>Proposes a command and insists it is accepted.</summary>
    public LogPosition Propose(ulong id, string command)
    {
        var result = Node(id).Propose(Encoding.UTF8.GetBytes(command));
        if (!result.Accepted)
        {
            throw new InvalidOperationException($"proposal '{command}' to {id}: {result}");
        }

        return result.Position;
    }

    /// <summary>The host takes a snapshot of everything applied and compacts the log (paper §7).</summary>
    public LogPosition Compact(ulong id)
    {
        var replica = _replicas[id];
        var node = Node(id);
        var index = node.AppliedIndex;
        if (replica.StateMachine.AppliedIndex != index || !node.TryGetTerm(index, out var term))
        {
            throw new InvalidOperationException($"replica {id} cannot compact at {index}");
        }

        var data = replica.StateMachine.Capture();
        var metadata = new SnapshotMetadata(new LogPosition(index, term), replica.Storage.MembershipAt(index), data.Length);
        var snapshot = node.Compact(index, data)
            ?? throw new InvalidOperationException($"replica {id} was already compacted to {index}");
        if (snapshot.Metadata != metadata)
        {
            throw new InvalidOperationException($"the core's snapshot {snapshot.Metadata} differs from the host's view {metadata}");
        }

        replica.Storage.Compact(snapshot);
        return metadata.Last;
    }

    /// <summary>The terms of a replica's log entries after its snapshot, in index order.</summary>
    public ulong[] LogTerms(ulong id)
    {
        var node = Node(id);
        var first = node.GetStatus().SnapshotLast.Index.Next();
        var terms = new List<ulong>();
        for (var index = first; index <= node.LastPosition.Index; index = index.Next())
        {
            _ = node.TryGetTerm(index, out var term);
            terms.Add(term.Value);
        }

        return [.. terms];
    }

    /// <summary>How many delivered messages of type <typeparamref name="T"/> matched <paramref name="predicate"/>.</summary>
    public int CountDelivered<T>(Func<T, bool>? predicate = null)
        where T : RaftMessage => _delivered.OfType<T>().Count(m => predicate?.Invoke(m) ?? true);

    // The messages in flight, in the order the network delivers them.
    private RaftMessage[] TakeBatch()
    {
        var batch = new List<RaftMessage>(_inFlight.Count);
        foreach (var message in _inFlight)
        {
            batch.Add(message);
            if (DuplicateIf?.Invoke(message) == true)
            {
                batch.Add(message);
            }
        }

        _inFlight.Clear();
        if (Reorder is { } random)
        {
            // Fisher-Yates with the seeded source keeps runs reproducible.
            for (var i = batch.Count - 1; i > 0; i--)
            {
                var j = random.Next(i + 1);
                (batch[i], batch[j]) = (batch[j], batch[i]);
            }
        }

        return [.. batch];
    }

    private IEnumerable<ulong> UpIds() => [.. _replicas.Where(p => p.Value.Node is not null).Select(p => p.Key)];

    private void Start(ulong id, Snapshot snapshot)
    {
        var config = _configure(new RaftConfig { Id = new ReplicaId(id) });
        if (config.Id.Value != id)
        {
            throw new InvalidOperationException("configure must keep the replica id");
        }

        var replica = new TestReplica(config, new MemoryStorage(snapshot));
        _replicas[id] = replica;
        Restart(id);
    }

    private SplitMix64Random NewRandom(ulong id, int starts) =>
        new((_seed * 1_000_003UL) + (id * 7_919UL) + (ulong)starts);

    private void Deliver(RaftMessage message)
    {
        var to = message.To.Value;
        if (!_replicas.TryGetValue(to, out var replica) || replica.Node is null
            || _cutLinks.Contains((message.From.Value, to)) || DropIf?.Invoke(message) == true)
        {
            return;
        }

        replica.Node.Step(message);
        _delivered.Add(message);
    }

    // Election Safety: at most one leader per term.
    private void CheckElectionSafety(ulong id, RaftNode node)
    {
        if (node.Role != RaftRole.Leader)
        {
            return;
        }

        if (_leaderOfTerm.TryGetValue(node.Term, out var other) && other != id)
        {
            throw new InvalidOperationException($"Election Safety violated: replicas {other} and {id} both lead term {node.Term}");
        }

        _leaderOfTerm[node.Term] = id;
    }

    // State Machine Safety: no two replicas apply different entries at one index.
    private void CheckStateMachineSafety(ulong id, Entry entry)
    {
        var applied = (entry.Term, entry.Kind, Encoding.UTF8.GetString(entry.Data.Span));
        if (_appliedAt.TryGetValue(entry.Index, out var earlier) && earlier != applied)
        {
            throw new InvalidOperationException(
                $"State Machine Safety violated: replica {id} applied {entry} but {earlier.Term}/{earlier.Kind}/{earlier.Data} was applied at {entry.Index} before");
        }

        _appliedAt[entry.Index] = applied;
    }
}
