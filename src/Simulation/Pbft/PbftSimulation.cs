using System.Collections.Immutable;
using Synod.Consensus;
using Synod.Consensus.Pbft;

namespace Synod.Simulation.Pbft;

/// <summary>
/// Runs the production PBFT core on the shared simulated network and clock, with up to f
/// Byzantine replicas whose strategy the seed picks, simulated clients that accept a result on f+1
/// matching replies and broadcast on timeout, and network faults that heal after the fault phase.
/// <see cref="PbftChecker"/> checks agreement and accepted results after every step; after healing
/// every client request must complete and no silent replica may still be primary.
/// </summary>
public sealed class PbftSimulation
{
    private readonly PbftSimulationOptions _options;
    private readonly SplitMix64Random _random;
    private readonly EventQueue<object> _events = new();
    private readonly SimNetwork _network;
    private readonly PbftChecker _checker = new();
    private readonly List<Node> _nodes = [];
    private readonly List<Client> _clients = [];
    private readonly List<string> _trace = [];
    private long _steps;
    private bool _healed;
    private long _healedAt;
    private long _batches;
    private long _stateTransfers;
    private long _crashes;

    private PbftSimulation(PbftSimulationOptions options)
    {
        options.Validate();
        _options = options;
        _random = new SplitMix64Random(options.Seed);
        _network = new SimNetwork(_random, options.ReplicaCount, options.Trace ? _trace : null);
        var byzantine = ChooseByzantine();
        for (var i = 0; i < options.ReplicaCount; i++)
        {
            var authenticator = new SimulatedAuthenticator(new ReplicaIndex(i), options.Seed, options.ReplicaCount);
            var config = new PbftConfig { ReplicaCount = options.ReplicaCount, Id = new ReplicaIndex(i), CheckpointInterval = 8, WatermarkWindow = 32, RequestTimeoutTicks = 15, MaxViewChangeTimeoutTicks = 120 };
            var colluders = byzantine.Where(b => b.Value == ByzantineStrategy.Collude).Select(b => b.Key).ToHashSet();
            var behaviour = byzantine.TryGetValue(i, out var strategy) ? new ByzantineBehaviour(strategy, authenticator, new SplitMix64Random(options.Seed ^ (ulong)(i + 77)), colluders) : null;
            _nodes.Add(new Node(i, config, authenticator, behaviour));
        }

        for (var c = 1; c <= options.Clients; c++)
        {
            _clients.Add(new Client((ulong)c) { Conflicting = c == 1 && options.Byzantine == ByzantineMode.Random && _random.Chance(0.3) });
        }
    }

    public static PbftSimulationResult Run(PbftSimulationOptions options) => new PbftSimulation(options).Execute();

    private string ByzantineDescription => string.Join(", ", _nodes.Where(n => n.Byzantine is not null).Select(n => $"{n.Index}:{n.Byzantine!.Strategy}"));

    private Dictionary<int, ByzantineStrategy> ChooseByzantine()
    {
        var chosen = new Dictionary<int, ByzantineStrategy>();
        if (_options.ColludingReplicas is { } colluders)
        {
            for (var i = 0; i < colluders; i++)
            {
                chosen[i] = ByzantineStrategy.Collude;
            }

            return chosen;
        }

        var strategies = Enum.GetValues<ByzantineStrategy>();
        switch (_options.Byzantine)
        {
            case ByzantineMode.Primary:
                chosen[0] = strategies[_random.Next(strategies.Length)];
                break;
            case ByzantineMode.Backup:
                for (var k = 0; k < _options.F; k++)
                {
                    chosen[1 + _random.Next(_options.ReplicaCount - 1)] = strategies[_random.Next(strategies.Length)];
                }

                break;
            case ByzantineMode.Random:
                var count = _random.Next(_options.F + 1);
                for (var k = 0; k < count; k++)
                {
                    chosen[_random.Next(_options.ReplicaCount)] = strategies[_random.Next(strategies.Length)];
                }

                break;
        }

        return chosen;
    }

    private PbftSimulationResult Execute()
    {
        Violation? violation = null;
        try
        {
            Trace($"byzantine: {(ByzantineDescription.Length == 0 ? "none" : ByzantineDescription)}");
            Start();
            Loop();
        }
        catch (SimulationViolationException e)
        {
            violation = new Violation(_options.Seed, e.Invariant, e.Detail, _steps, _events.Now);
        }
        catch (InvariantViolationException e)
        {
            violation = new Violation(_options.Seed, "Core Invariant", e.Message, _steps, _events.Now);
        }

        if (violation is not null)
        {
            Trace($"VIOLATION {violation}");
        }

        var correct = _nodes.Where(n => n.Byzantine is null).ToList();
        return new PbftSimulationResult(
            _options.Seed, violation, _steps, _events.Now, ByzantineDescription.Length == 0 ? "none" : ByzantineDescription, _checker.Accepted, _batches,
            correct.Sum(n => n.Replica.Counters.ViewChangesStarted),
            correct.Sum(n => n.Replica.Counters.BadSignatures + n.Replica.Counters.WrongView + n.Replica.Counters.DigestMismatches + n.Replica.Counters.InvalidCertificates + n.Replica.Counters.Equivocations + n.Replica.Counters.OutsideWatermarks),
            _stateTransfers, _crashes, _trace);
    }

    private void Start()
    {
        foreach (var node in _nodes)
        {
            _events.Schedule(_random.Between(1, _options.TickMillis), new TickEvent(node, node.Incarnation));
        }

        foreach (var client in _clients)
        {
            _events.Schedule(_random.Between(1, 30), new ClientEvent(client, 0));
        }

        if (_options.NetworkFaults)
        {
            _events.Schedule(_random.Between(50, 300), new FaultEvent());
        }
    }

    private void Loop()
    {
        while (_events.TryNext(out var next))
        {
            if (!_healed && _steps >= _options.Steps)
            {
                _healed = true;
                _healedAt = _events.Now;
                _network.HealAll();
                foreach (var node in _nodes)
                {
                    Restart(node);
                }

                Trace("network healed, every replica up");
            }

            _steps++;
            Process(next);
            if (_healed && LivenessReached())
            {
                return;
            }
        }
    }

    private void Process(object next)
    {
        switch (next)
        {
            case TickEvent e when e.Node.IsUp && e.Incarnation == e.Node.Incarnation:
                e.Node.Replica.Tick();
                Pump(e.Node);
                _events.Schedule(_options.TickMillis, e);
                break;
            case TickEvent:
                break;
            case DeliverEvent e when e.To.IsUp:
                e.To.Replica.Step(e.Message);
                Pump(e.To);
                break;
            case DeliverEvent:
                break;
            case RestartEvent e: Restart(e.Node); break;
            case ReplyEvent e: OnReply(e); break;
            case ClientEvent e: OnClient(e); break;
            case ClientTimeoutEvent e: OnClientTimeout(e); break;
            case StateFetchEvent e: OnStateFetch(e); break;
            case FaultEvent: OnFault(); break;
            case HealCutEvent e: _network.Heal(e.CutId); break;
            default: throw new InvalidOperationException("unknown event " + next);
        }
    }

    // ------------------------------------------------------------ replicas

    private void Pump(Node node)
    {
        if (!node.Replica.HasReady)
        {
            return;
        }

        var ready = node.Replica.TakeReady();

        // Persist before sending: what the messages vouch for must survive a crash.
        node.Durable = node.Replica.ExportDurableState();
        foreach (var outgoing in ready.Messages)
        {
            for (var to = 0; to < _nodes.Count; to++)
            {
                if (to != node.Index && (outgoing.To is not { } target || target.Value == to))
                {
                    Send(node, _nodes[to], outgoing.Message);
                }
            }
        }

        foreach (var batch in ready.Execute)
        {
            ExecuteBatch(node, batch);
        }

        if (ready.FetchStateUpTo is { } upTo && !node.Fetching)
        {
            node.Fetching = true;
            _events.Schedule(_random.Between(5, 30), new StateFetchEvent(node, upTo, node.Incarnation));
        }
    }

    private void Send(Node from, Node to, PbftMessage message)
    {
        var copies = from.Byzantine is null ? [message] : from.Byzantine.Rewrite(message, to.Index).ToList();
        foreach (var copy in copies)
        {
            foreach (var delay in _network.Route(from.Index + 1, to.Index + 1, _healed))
            {
                _events.Schedule(delay, new DeliverEvent(to, copy));
            }
        }
    }

    private void ExecuteBatch(Node node, CommittedBatch batch)
    {
        _batches++;
        if (_options.Trace)
        {
            Trace($"replica {node.Index} executes {batch.Sequence} in view {batch.View}: {string.Join(' ', batch.Batch)} ({PbftEncoding.BatchDigest(batch.Batch)})");
        }

        if (node.Byzantine is null)
        {
            _checker.ObserveExecuted(node.Replica.Id, batch.Sequence, PbftEncoding.BatchDigest(batch.Batch));
        }

        foreach (var request in batch.Batch)
        {
            if (node.State.Execute(request) is not { } outcome)
            {
                continue;
            }

            if (node.Byzantine is null && outcome.Executed)
            {
                _checker.ObserveResult(node.Replica.Id, request, outcome.Result);
            }

            SendReply(node, request, outcome.Result, batch.View);
        }

        if (batch.Sequence.Value % 8 == 0)
        {
            var state = node.State.Save();
            node.Checkpoints[batch.Sequence.Value] = state;
            node.Replica.ReportCheckpoint(batch.Sequence, Digest.Of(state));
            Pump(node);
        }
    }

    private void SendReply(Node node, ClientRequest request, long result, View view)
    {
        var client = _clients.FirstOrDefault(c => c.Id == request.Client);
        if (client is null || (node.Byzantine is { } b && !b.Replies))
        {
            return;
        }

        var sent = node.Byzantine?.RewriteResult(result) ?? result;
        _events.Schedule(_random.Between(1, 5), new ReplyEvent(client, node.Index, request.Timestamp, sent, view));
    }

    // A replica behind a stable checkpoint fetches that state from a random peer and keeps it only
    // if its digest matches the checkpoint's proof; a Byzantine peer's state is rejected.
    private void OnStateFetch(StateFetchEvent e)
    {
        var node = e.Node;
        if (!node.IsUp || e.Incarnation != node.Incarnation)
        {
            return;
        }

        node.Fetching = false;
        var target = node.Replica.StableCheckpoint;
        if (node.Replica.LastExecuted >= target)
        {
            return;
        }

        var peer = _nodes[_random.Next(_nodes.Count)];
        if (peer != node && peer.IsUp && peer.Checkpoints.TryGetValue(target.Value, out var state))
        {
            if (peer.Byzantine is not null && _random.Chance(0.5))
            {
                state = [.. state, 0xFF];
            }

            if (Digest.Of(state) == node.Replica.StableDigest)
            {
                node.State = CounterStateMachine.Load(state);
                node.Checkpoints[target.Value] = state;
                node.Replica.StateTransferred(target, node.State.ExecutedTimestamps);
                _stateTransfers++;
                Trace($"replica {node.Index} fetched state at {target} from {peer.Index}");
                Pump(node);
                return;
            }
        }

        node.Fetching = true;
        _events.Schedule(_random.Between(5, 30), new StateFetchEvent(node, target, node.Incarnation));
    }

    // ------------------------------------------------------------ clients

    private void OnClient(ClientEvent e)
    {
        var client = e.Client;
        if (client.Pending is null)
        {
            if (_healed)
            {
                return;
            }

            client.Timestamp++;
            client.Pending = SignAsClient(new ClientRequest(client.Id, client.Timestamp, CounterStateMachine.Operation((ulong)_random.Next(4), _random.Between(1, 9))));
            client.Replies.Clear();
            client.Attempt++;
            SendToPrimary(client);
            return;
        }
    }

    private void SendToPrimary(Client client)
    {
        var request = client.Pending!;
        var primary = _nodes[(int)(client.ViewGuess.Value % (ulong)_nodes.Count)];
        if (client.Conflicting)
        {
            // A Byzantine client: the same timestamp with different operations to different replicas.
            var other = SignAsClient(request with { Operation = CounterStateMachine.Operation(3, 1000) });
            foreach (var node in _nodes.Where(n => n.IsUp))
            {
                node.Replica.Submit(node.Index % 2 == 0 ? request : other);
                Pump(node);
            }
        }
        else
        {
            if (primary.IsUp)
            {
                primary.Replica.Submit(request);
                Pump(primary);
            }
        }

        _events.Schedule(40 * _options.TickMillis, new ClientTimeoutEvent(client, client.Attempt));
    }

    private ClientRequest SignAsClient(ClientRequest request) => SimulatedAuthenticator.SignAsClient(_options.Seed, request, _options.ReplicaCount);

    private void OnClientTimeout(ClientTimeoutEvent e)
    {
        var client = e.Client;
        if (client.Pending is null || client.Attempt != e.Attempt)
        {
            return;
        }

        // Castro and Liskov §4.1: on timeout the client broadcasts to every replica.
        client.Attempt++;
        foreach (var node in _nodes.Where(n => n.IsUp))
        {
            node.Replica.Submit(client.Pending);
            Pump(node);
        }

        _events.Schedule(40 * _options.TickMillis, new ClientTimeoutEvent(client, client.Attempt));
    }

    private void OnReply(ReplyEvent e)
    {
        var client = e.Client;
        if (client.Pending is null || e.Timestamp != client.Timestamp)
        {
            return;
        }

        client.Replies[e.Replica] = e.Result;
        var agreeing = client.Replies.Values.GroupBy(r => r).Where(g => g.Count() >= _options.F + 1).Select(g => g.Key).ToList();
        if (agreeing.Count == 0)
        {
            return;
        }

        // f+1 matching replies from distinct replicas: at least one is correct.
        _checker.ObserveAccepted(client.Id, client.Timestamp, agreeing[0]);
        Trace($"client {client.Id} accepted request {client.Timestamp} = {agreeing[0]}");
        client.ViewGuess = e.View;
        client.Pending = null;
        _events.Schedule(_random.Between(1, 20), new ClientEvent(client, 0));
    }

    // ------------------------------------------------------------ faults and checks

    private void OnFault()
    {
        if (_healed)
        {
            return;
        }

        if (_random.Chance(0.25))
        {
            Crash(_nodes[_random.Next(_nodes.Count)]);
        }
        else if (_random.Chance(0.5))
        {
            var cut = _network.CutRandomPartition(_nodes.Count, null);
            if (cut > 0)
            {
                _events.Schedule(_random.Between(50, 400), new HealCutEvent(cut));
            }
        }
        else
        {
            _network.ChangeWeather();
        }

        _events.Schedule(_random.Between(50, 300), new FaultEvent());
    }

    // A crash loses everything but what the replica persisted and the checkpoint states on disk.
    private void Crash(Node node)
    {
        if (!node.IsUp)
        {
            return;
        }

        node.IsUp = false;
        node.Incarnation++;
        node.Fetching = false;
        _crashes++;
        Trace($"crash replica {node.Index}");
        _events.Schedule(_random.Between(10, 300), new RestartEvent(node));
    }

    private void Restart(Node node)
    {
        if (node.IsUp)
        {
            return;
        }

        node.IsUp = true;
        var stable = node.Durable?.StableCheckpoint.Value ?? 0;
        var restoredAt = node.Checkpoints.Keys.Where(k => k <= stable).DefaultIfEmpty(0UL).Max();
        node.State = restoredAt > 0 ? CounterStateMachine.Load(node.Checkpoints[restoredAt]) : new CounterStateMachine();
        node.Replica = node.Durable is { } durable
            ? new PbftReplica(node.Config, node.Authenticator, durable, new SequenceNumber(restoredAt), node.State.ExecutedTimestamps)
            : new PbftReplica(node.Config, node.Authenticator);
        Trace($"restart replica {node.Index} at view {node.Replica.View}, stable checkpoint {stable}");
        _events.Schedule(_random.Between(1, _options.TickMillis), new TickEvent(node, node.Incarnation));
        Pump(node);
    }

    private bool LivenessReached()
    {
        var elapsedTicks = (_events.Now - _healedAt) / _options.TickMillis;
        var pending = _clients.Where(c => c.Pending is not null).ToList();
        if (pending.Count == 0)
        {
            var active = _nodes.Where(n => n.Byzantine is null).GroupBy(n => n.Replica.View).MaxBy(g => g.Count())!.Key;
            var primary = _nodes[(int)(active.Value % (ulong)_nodes.Count)];
            if (primary.Byzantine?.Strategy == ByzantineStrategy.Silent)
            {
                throw new SimulationViolationException("Liveness", $"silent replica {primary.Index} is still primary of view {active}");
            }

            return true;
        }

        if (elapsedTicks > _options.CompletionDeadlineTicks)
        {
            var views = string.Join(", ", _nodes.Select(n => $"{n.Index}:v{n.Replica.View}{(n.Replica.IsViewChanging ? "*" : "")}/x{n.Replica.LastExecuted}/h{n.Replica.StableCheckpoint}/bad{n.Replica.Counters.InvalidCertificates}"));
            throw new SimulationViolationException("Liveness", $"{_options.CompletionDeadlineTicks} ticks after healing, clients {string.Join(",", pending.Select(c => c.Id))} still wait (replicas {views})");
        }

        return false;
    }

    private void Trace(string line)
    {
        if (_options.Trace)
        {
            _trace.Add($"{_events.Now,7}ms #{_steps,-6} {line}");
        }
    }

    private sealed class Node(int index, PbftConfig config, IPbftAuthenticator authenticator, ByzantineBehaviour? byzantine)
    {
        public int Index { get; } = index;

        public PbftConfig Config { get; } = config;

        public IPbftAuthenticator Authenticator { get; } = authenticator;

        public PbftReplica Replica { get; set; } = new(config, authenticator);

        /// <summary>What the replica persisted; survives a crash.</summary>
        public PbftDurableState? Durable { get; set; }

        public bool IsUp { get; set; } = true;

        /// <summary>Bumped on every crash, so events of an earlier life are ignored.</summary>
        public int Incarnation { get; set; }

        public ByzantineBehaviour? Byzantine { get; } = byzantine;

        public CounterStateMachine State { get; set; } = new();

        public Dictionary<ulong, byte[]> Checkpoints { get; } = [];

        public bool Fetching { get; set; }
    }

    private sealed class Client(ulong id)
    {
        public ulong Id { get; } = id;

        public ulong Timestamp { get; set; }

        public ClientRequest? Pending { get; set; }

        public Dictionary<int, long> Replies { get; } = [];

        public View ViewGuess { get; set; }

        public int Attempt { get; set; }

        public bool Conflicting { get; init; }
    }

    private sealed record TickEvent(Node Node, int Incarnation);

    private sealed record RestartEvent(Node Node);

    private sealed record DeliverEvent(Node To, PbftMessage Message);

    private sealed record ReplyEvent(Client Client, int Replica, ulong Timestamp, long Result, View View);

    private sealed record ClientEvent(Client Client, int Attempt);

    private sealed record ClientTimeoutEvent(Client Client, int Attempt);

    private sealed record StateFetchEvent(Node Node, SequenceNumber UpTo, int Incarnation);

    private sealed record FaultEvent;

    private sealed record HealCutEvent(int CutId);
}
