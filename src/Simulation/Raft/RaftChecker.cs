using System.Collections.Immutable;
using Synod.Consensus.Raft;

namespace Synod.Simulation.Raft;

/// <summary>
/// Checks Raft's safety properties (paper Figure 3) over a whole simulated run, incrementally, after
/// every step:
/// <list type="bullet">
/// <item>Election Safety: at most one leader per term, ever.</item>
/// <item>Log Matching: an (index, term) pair fixes the entry's content and the term of the entry
/// before it, which by induction fixes the whole prefix.</item>
/// <item>Leader Completeness: a new leader's log holds every entry known to be committed.</item>
/// <item>State Machine Safety: every replica applies the same entry at each index.</item>
/// <item>A replica's commit index never decreases, and never falls below what it persisted, so no
/// committed entry is lost across restarts.</item>
/// <item>Reads: a read returns the value of its key at some log prefix that includes every write
/// acknowledged before the read began and nothing beyond what was committed when it ended (which
/// implies linearizability).</item>
/// </list>
/// A failure throws <see cref="SimulationViolationException"/>.
/// </summary>
public sealed class RaftChecker
{
    private readonly Dictionary<Term, ReplicaId> _leaders = [];
    private readonly Dictionary<LogPosition, (Term PreviousTerm, ulong Hash)> _positions = [];

    // The committed log as first observed: _ledger[i - 1] is the entry at index i.
    // ObservedTerm bounds from above the term in which the entry was committed: the term of the
    // replica that first reported it committed.
    private readonly List<(Term Term, ulong Hash, Term ObservedTerm)> _ledger = [];
    private readonly Dictionary<(int Client, ulong Sequence), LogIndex> _firstCommit = [];
    private readonly Dictionary<int, ulong> _ledgerSessions = [];
    private readonly Dictionary<int, List<(LogIndex Index, long Value)>> _history = [];

    /// <summary>The highest log index of any write acknowledged to a client so far.</summary>
    public LogIndex MaxAcknowledgedWrite { get; private set; }

    /// <summary>How many entries are known committed.</summary>
    public LogIndex CommittedLength => new((ulong)_ledger.Count);

    public long ReadsChecked { get; private set; }

    public long Restarts { get; private set; }

    public long Elections => _leaders.Count;

    /// <summary>Election Safety, and Leader Completeness for a leader seen for the first time.</summary>
    public void ObserveLeader(RaftNode node)
    {
        if (_leaders.TryGetValue(node.Term, out var existing))
        {
            if (existing != node.Id)
            {
                Fail("Election Safety", $"replicas {existing} and {node.Id} both lead term {node.Term}");
            }

            return;
        }

        _leaders[node.Term] = node.Id;
        var snapshotIndex = node.GetStatus().SnapshotLast.Index;
        for (var i = 1; i <= _ledger.Count; i++)
        {
            var index = new LogIndex((ulong)i);
            // Leader Completeness covers entries committed in earlier terms only; an entry first seen
            // committed by a replica at this term or later may have been committed after this election.
            if (index <= snapshotIndex || _ledger[i - 1].ObservedTerm >= node.Term)
            {
                continue;
            }

            if (!node.TryGetTerm(index, out var term) || term != _ledger[i - 1].Term)
            {
                Fail("Leader Completeness", $"leader {node.Id} of term {node.Term} lacks committed entry {index}@{_ledger[i - 1].Term} (has {(node.TryGetTerm(index, out var t) ? t.ToString() : "nothing")})");
            }
        }
    }

    /// <summary>Log Matching, checked on entries as a replica hands them to storage.</summary>
    public void ObserveAppended(RaftNode node, ImmutableArray<Entry> entries)
    {
        if (entries.IsEmpty)
        {
            return;
        }

        var havePrevious = node.TryGetTerm(entries[0].Index.Previous(), out var previousTerm);
        foreach (var entry in entries)
        {
            var hash = Hash(entry);
            if (_positions.TryGetValue(entry.Position, out var known))
            {
                if (known.Hash != hash)
                {
                    Fail("Log Matching", $"replica {node.Id} holds a different entry at {entry.Position}");
                }

                if (havePrevious && known.PreviousTerm != previousTerm)
                {
                    Fail("Log Matching", $"replica {node.Id} has term {previousTerm} before {entry.Position}, another replica has {known.PreviousTerm}");
                }
            }
            else if (havePrevious)
            {
                _positions[entry.Position] = (previousTerm, hash);
            }

            previousTerm = entry.Term;
            havePrevious = true;
        }
    }

    /// <summary>Commit monotonicity and agreement of committed prefixes; returns the commit index checked.</summary>
    public LogIndex ObserveCommit(RaftNode node, LogIndex lastChecked)
    {
        var commit = node.CommitIndex;
        if (commit < lastChecked)
        {
            Fail("Commit Monotonicity", $"replica {node.Id} commit went from {lastChecked} back to {commit}");
        }

        for (var index = lastChecked.Next(); index <= commit; index = index.Next())
        {
            if (node.TryGetEntry(index, out var entry))
            {
                Record(node.Id, node.Term, entry, "committed");
            }
        }

        return commit;
    }

    /// <summary>State Machine Safety, checked on each entry a replica applies.</summary>
    public void ObserveApplied(RaftNode node, Entry entry) => Record(node.Id, node.Term, entry, "applied");

    /// <summary>After a restart a replica's commit index must not be below what it persisted.</summary>
    public void ObserveRestart(RaftNode node, LogIndex persistedCommit)
    {
        Restarts++;
        if (node.CommitIndex < persistedCommit)
        {
            Fail("Durability", $"replica {node.Id} restarted with commit {node.CommitIndex} below its persisted {persistedCommit}");
        }
    }

    /// <summary>The log index at which a client's write first took effect, if it is committed.</summary>
    public bool TryGetCommitIndex(int client, ulong sequence, out LogIndex index) => _firstCommit.TryGetValue((client, sequence), out index);

    public void ObserveWriteAcknowledged(int client, ulong sequence)
    {
        if (!_firstCommit.TryGetValue((client, sequence), out var index))
        {
            Fail("Acknowledged Write", $"client {client} write {sequence} was acknowledged but is not committed");
        }

        MaxAcknowledgedWrite = LogIndex.Max(MaxAcknowledgedWrite, index);
    }

    /// <summary>
    /// Checks a completed read: <paramref name="value"/> must be the key's value at some committed
    /// index in [<paramref name="lowest"/>, committed length now].
    /// </summary>
    public void ObserveRead(int key, long value, LogIndex lowest, string description)
    {
        ReadsChecked++;
        var highest = CommittedLength;
        var history = _history.TryGetValue(key, out var h) ? h : [];
        long atLowest = 0;
        foreach (var (index, written) in history)
        {
            if (index > lowest)
            {
                break;
            }

            atLowest = written;
        }

        if (value == atLowest)
        {
            return;
        }

        foreach (var (index, written) in history)
        {
            if (index > lowest && index <= highest && written == value)
            {
                return;
            }
        }

        Fail("Linearizable Read", $"{description}: key {key} read {value}, but every committed state from index {lowest} (acknowledged writes) to {highest} holds another value (value at {lowest} was {atLowest})");
    }

    private void Record(ReplicaId replica, Term observedTerm, Entry entry, string how)
    {
        var slot = (int)entry.Index.Value;
        var hash = Hash(entry);
        if (slot <= _ledger.Count)
        {
            var known = _ledger[slot - 1];
            if (known.Term != entry.Term || known.Hash != hash)
            {
                Fail("State Machine Safety", $"replica {replica} {how} {entry.Position} but {entry.Index}@{known.Term} was committed");
            }

            return;
        }

        if (slot != _ledger.Count + 1)
        {
            Fail("Checker Gap", $"replica {replica} {how} {entry.Index} but only {_ledger.Count} entries are known committed");
        }

        _ledger.Add((entry.Term, hash, observedTerm));
        if (entry.Kind == EntryKind.Command)
        {
            ApplyToLedger(entry);
        }
    }

    private void ApplyToLedger(Entry entry)
    {
        var command = KvCommand.Decode(entry.Data.Span);
        if (_ledgerSessions.TryGetValue(command.Client, out var last) && command.Sequence <= last)
        {
            return;
        }

        _ledgerSessions[command.Client] = command.Sequence;
        _firstCommit[(command.Client, command.Sequence)] = entry.Index;
        if (!_history.TryGetValue(command.Key, out var list))
        {
            _history[command.Key] = list = [];
        }

        list.Add((entry.Index, command.Value));
    }

    private static ulong Hash(Entry entry)
    {
        // FNV-1a over kind and payload: identity of an entry's content.
        var hash = 14695981039346656037UL;
        hash = (hash ^ (byte)entry.Kind) * 1099511628211UL;
        foreach (var b in entry.Data.Span)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    private static void Fail(string invariant, string detail) => throw new SimulationViolationException(invariant, detail);
}
