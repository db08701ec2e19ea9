using System.Globalization;
using System.Text;
using Synod.Consensus.Raft;
using Synod.Simulation.Raft;

namespace Synod.Consensus.Tests.Scenarios;

/// <summary>
/// Interprets scenario commands against real <see cref="RaftNode"/>s with in-memory disks and a
/// FIFO network whose links can be cut. Every output is deterministic: replicas are visited in id
/// order and messages are delivered in the order they were sent.
/// </summary>
internal sealed class ScenarioCluster
{
    private readonly SortedDictionary<ulong, Replica> _replicas = [];
    private readonly Queue<RaftMessage> _network = new();
    private readonly HashSet<(ulong From, ulong To)> _cuts = [];

    public string Execute(string command)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var output = new StringBuilder();
        switch (words[0])
        {
            case "add-replicas": AddReplicas(int.Parse(words[1], CultureInfo.InvariantCulture), words.Skip(2)); output.Append(Status()); break;
            case "add-spare": AddSpare(Id(words[1])); output.Append("ok"); break;
            case "campaign": Get(words[1]).Node!.Campaign(); output.Append("ok"); break;
            case "tick": Tick(words); output.Append("ok"); break;
            case "propose": output.Append(Get(words[1]).Node!.Propose(Encoding.UTF8.GetBytes(words[2]))); break;
            case "read-index": output.Append(Get(words[1]).Node!.ReadIndex(ulong.Parse(words[2], CultureInfo.InvariantCulture))); break;
            case "transfer": output.Append(Get(words[1]).Node!.TransferLeadership(new ReplicaId(Id(words[2])))); break;
            case "add-learner": output.Append(Change(words, MembershipChangeKind.AddLearner)); break;
            case "promote": output.Append(Change(words, MembershipChangeKind.PromoteLearner)); break;
            case "remove": output.Append(Change(words, MembershipChangeKind.RemoveReplica)); break;
            case "partition": Partition(words[1]); output.Append("ok"); break;
            case "cut": Cut(words[1]); output.Append("ok"); break;
            case "heal": _cuts.Clear(); output.Append("ok"); break;
            case "crash": Crash(Get(words[1])); output.Append("ok"); break;
            case "restart": Restart(Get(words[1])); output.Append("ok"); break;
            case "compact": output.Append(Compact(Get(words[1]))); break;
            case "stabilize": Stabilize(output, quiet: false); break;
            case "run": Run(words, output); break;
            case "status": output.Append(Status()); break;
            case "log": output.Append(Log(Get(words[1]))); break;
            case "wake": Get(words[1]).Node!.Wake(); output.Append("ok"); break;
            default: throw new FormatException("unknown command: " + command);
        }

        return output.ToString().TrimEnd('\n');
    }

    private static ulong Id(string word) => ulong.Parse(word, CultureInfo.InvariantCulture);

    private Replica Get(string word) => _replicas[Id(word)];

    private static RaftConfig Config(ulong id, IEnumerable<string> options)
    {
        var config = new RaftConfig { Id = new ReplicaId(id), ElectionTimeoutTicks = 10, HeartbeatTicks = 1 };
        foreach (var option in options)
        {
            var (key, value) = (option.Split('=')[0], option.Split('=')[1]);
            config = key switch
            {
                "prevote" => config with { PreVote = bool.Parse(value) },
                "checkquorum" => config with { CheckQuorum = bool.Parse(value) },
                "chunk" => config with { MaxSnapshotChunkBytes = int.Parse(value, CultureInfo.InvariantCulture) },
                "quiesce" => config with { Quiescence = bool.Parse(value) },
                "lease" => config with { ReadMode = bool.Parse(value) ? ReadMode.LeaseBased : ReadMode.ReadIndex },
                _ => throw new FormatException("unknown option " + key),
            };
        }

        return config;
    }

    private void AddReplicas(int count, IEnumerable<string> options)
    {
        var membership = Membership.Create(Enumerable.Range(1, count).Select(i => new ReplicaId((ulong)i)));
        var list = options.ToList();
        for (var i = 1UL; i <= (ulong)count; i++)
        {
            var replica = new Replica(Config(i, list), Snapshot.Initial(membership));
            _replicas[i] = replica;
            Restart(replica);
        }
    }

    private void AddSpare(ulong id)
    {
        var replica = new Replica(Config(id, []), Snapshot.Initial(Membership.Empty));
        _replicas[id] = replica;
        Restart(replica);
    }

    private static void Restart(Replica replica)
    {
        // The election timer's random draw is seeded by the replica id, so runs are repeatable.
        replica.Node = new RaftNode(replica.Config, new SplitMix64Random(replica.Config.Id.Value), replica.HardState, replica.Snapshot, replica.Entries);
        replica.Applied.Clear();
    }

    private static void Crash(Replica replica) => replica.Node = null;

    private void Tick(string[] words)
    {
        var times = words.Length > 2 ? int.Parse(words[2].TrimStart('x'), CultureInfo.InvariantCulture) : 1;
        var targets = words[1] == "all" ? _replicas.Values.ToList() : [Get(words[1])];
        for (var t = 0; t < times; t++)
        {
            foreach (var replica in targets)
            {
                replica.Node?.Tick();
            }
        }
    }

    private string Change(string[] words, MembershipChangeKind kind) =>
        Get(words[1]).Node!.ProposeMembershipChange(new MembershipChange(kind, new ReplicaId(Id(words[2])))).ToString();

    private void Partition(string spec)
    {
        var sides = spec.Split('|').Select(side => side.Split(',').Select(Id).ToHashSet()).ToList();
        foreach (var a in _replicas.Keys)
        {
            foreach (var b in _replicas.Keys)
            {
                var sideA = sides.FindIndex(s => s.Contains(a));
                var sideB = sides.FindIndex(s => s.Contains(b));
                if (a != b && sideA >= 0 && sideB >= 0 && sideA != sideB)
                {
                    _cuts.Add((a, b));
                }
            }
        }
    }

    private void Cut(string spec)
    {
        var parts = spec.Split("->");
        _cuts.Add((Id(parts[0]), Id(parts[1])));
    }

    private static string Compact(Replica replica)
    {
        var node = replica.Node!;
        var snapshot = node.Compact(node.AppliedIndex, Encoding.UTF8.GetBytes(string.Join(",", replica.Applied)));
        if (snapshot is null)
        {
            return "nothing to compact";
        }

        replica.Snapshot = snapshot;
        replica.Entries.RemoveAll(e => e.Index <= snapshot.Metadata.Index);
        return $"snapshot at {snapshot.Metadata.Last} ({snapshot.Data.Length} bytes)";
    }

    // Ticks every live replica and stabilizes, N times, printing only role and term changes.
    private void Run(string[] words, StringBuilder output)
    {
        var times = int.Parse(words[1].TrimStart('x'), CultureInfo.InvariantCulture);
        for (var t = 0; t < times; t++)
        {
            var wasQuiet = _replicas.ToDictionary(r => r.Key, r => r.Value.Node?.IsQuiet ?? false);
            foreach (var replica in _replicas.Values)
            {
                replica.Node?.Tick();
            }

            var before = output.Length;
            Stabilize(output, quiet: true);
            foreach (var (id, replica) in _replicas)
            {
                if (replica.Node is { } node && node.IsQuiet != wasQuiet[id])
                {
                    output.Append(id).Append(node.IsQuiet ? ": quiet\n" : ": awake\n");
                }
            }

            if (output.Length > before)
            {
                output.Insert(before, $"tick {t + 1}:\n");
            }
        }
    }

    private void Stabilize(StringBuilder output, bool quiet)
    {
        for (var round = 0; round < 10_000; round++)
        {
            var progressed = false;
            foreach (var (id, replica) in _replicas)
            {
                if (replica.Node is { HasReady: true } node)
                {
                    HandleReady(id, replica, node, node.TakeReady(), output, quiet);
                    progressed = true;
                }
            }

            while (_network.TryDequeue(out var message))
            {
                progressed = true;
                var to = message.To.Value;
                if (_cuts.Contains((message.From.Value, to)) || !_replicas.TryGetValue(to, out var target) || target.Node is null)
                {
                    if (!quiet)
                    {
                        output.Append("  dropped ").Append(RaftFormat.Describe(message)).Append('\n');
                    }

                    continue;
                }

                target.Node.Step(message);
            }

            if (!progressed)
            {
                return;
            }
        }

        throw new InvalidOperationException("stabilize did not settle");
    }

    private void HandleReady(ulong id, Replica replica, RaftNode node, Ready ready, StringBuilder output, bool quiet)
    {
        var changes = new List<string>();
        if (ready.SoftState is { } soft)
        {
            changes.Add($"{soft.Role} leader={soft.Leader}");
        }

        if (ready.HardState is { } hard)
        {
            if (!quiet || hard.Term != replica.HardState.Term)
            {
                changes.Add(quiet ? $"term={hard.Term}" : hard.ToString());
            }

            replica.HardState = hard;
        }

        foreach (var aborted in ready.AbortedReads)
        {
            changes.Add($"read {aborted} aborted");
        }

        var quietCount = changes.Count;

        if (ready.Snapshot is { } snapshot)
        {
            changes.Add($"installed snapshot {snapshot.Metadata.Last}");
            replica.Snapshot = snapshot;
            replica.Entries.Clear();
            replica.Applied.Clear();
            replica.Applied.Add("snapshot[" + Encoding.UTF8.GetString(snapshot.Data.Span) + "]");
        }

        if (!ready.Entries.IsEmpty)
        {
            changes.Add("append " + string.Join(' ', ready.Entries.Select(Describe)));
            replica.Entries.RemoveAll(e => e.Index >= ready.Entries[0].Index);
            replica.Entries.AddRange(ready.Entries);
        }

        if (!ready.CommittedEntries.IsEmpty)
        {
            changes.Add("apply " + string.Join(' ', ready.CommittedEntries.Select(Describe)));
            replica.Applied.AddRange(ready.CommittedEntries.Select(Describe));
        }

        foreach (var read in ready.ReadStates)
        {
            changes.Add($"read {read.Context} ready at {read.Index}");
        }

        foreach (var change in quiet ? changes.Take(quietCount) : changes)
        {
            output.Append(id).Append(": ").Append(change).Append('\n');
        }

        foreach (var message in ready.Messages)
        {
            if (!quiet)
            {
                output.Append("  ").Append(RaftFormat.Describe(message)).Append('\n');
            }

            _network.Enqueue(message);
        }

        node.Advance(ready);
    }

    private static string Describe(Entry entry) => entry.Kind switch
    {
        EntryKind.Command => $"{entry.Position}:{Encoding.UTF8.GetString(entry.Data.Span)}",
        EntryKind.Empty => $"{entry.Position}:empty",
        _ => MembershipCodec.TryDecode(entry.Data.Span, out var change, out var result) ? $"{entry.Position}:{change.Kind}({change.Replica})->{result}" : $"{entry.Position}:?",
    };

    private string Status()
    {
        var text = new StringBuilder();
        foreach (var (id, replica) in _replicas)
        {
            if (replica.Node is not { } node)
            {
                text.Append(id).Append(": down\n");
                continue;
            }

            text.Append(CultureInfo.InvariantCulture, $"{id}: {node.Role} term={node.Term} leader={node.Leader} commit={node.CommitIndex} applied={node.AppliedIndex} last={node.LastPosition} {node.Membership}{(node.IsQuiet ? " quiet" : "")}\n");
        }

        return text.ToString();
    }

    private static string Log(Replica replica)
    {
        var node = replica.Node!;
        var lines = new List<string> { $"snapshot {node.GetStatus().SnapshotLast}" };
        for (var index = node.GetStatus().SnapshotLast.Index.Next(); index <= node.LastPosition.Index; index = index.Next())
        {
            node.TryGetEntry(index, out var entry);
            lines.Add(Describe(entry));
        }

        lines.Add("applied " + string.Join(' ', replica.Applied));
        return string.Join('\n', lines);
    }

    private sealed class Replica(RaftConfig config, Snapshot snapshot)
    {
        public RaftConfig Config { get; } = config;

        public RaftNode? Node { get; set; }

        public HardState HardState { get; set; }

        public Snapshot Snapshot { get; set; } = snapshot;

        public List<Entry> Entries { get; } = [];

        public List<string> Applied { get; } = [];
    }
}
