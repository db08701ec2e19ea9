using System.Collections.Immutable;

namespace Synod.Consensus.Raft;

/// <summary>
/// One replica's view of the log: the latest snapshot, the entries after it, and how far they are
/// committed, applied and persisted. Pure bookkeeping; the node decides what to append.
/// </summary>
internal sealed class RaftLog
{
    // _entries[i].Index == SnapshotIndex + 1 + i.
    private readonly List<Entry> _entries = [];

    // The membership-change entries still in _entries, in index order; the effective membership is
    // the last of them, else the snapshot's (thesis §4.1: a server uses the latest configuration in
    // its log, committed or not).
    private readonly List<(LogIndex Index, Membership Membership)> _membershipHistory = [];

    private Snapshot _snapshot;

    // A snapshot received from a leader that the host has not yet been handed.
    private Snapshot? _unstableSnapshot;

    // First index not yet handed to the host for persistence.
    private LogIndex _unstableFrom;

    // Highest index the host will have applied once the outstanding Ready is advanced.
    private LogIndex _applyingTo;

    public RaftLog(Snapshot snapshot, IReadOnlyList<Entry> entries, LogIndex committed)
    {
        _snapshot = snapshot;
        foreach (var entry in entries)
        {
            Invariant.Holds(entry.Index == LastIndex.Next(), "restored entries must be contiguous after the snapshot");
            AppendOne(entry);
        }

        Committed = LogIndex.Max(snapshot.Metadata.Index, LogIndex.Min(committed, LastIndex));
        Applied = snapshot.Metadata.Index;
        _applyingTo = Applied;
        Persisted = LastIndex;
        _unstableFrom = LastIndex.Next();
    }

    // Invariant: SnapshotIndex <= Applied <= _applyingTo <= Committed <= LastIndex.
    public LogIndex Committed { get; private set; }

    public LogIndex Applied { get; private set; }

    /// <summary>Last index known durable on this replica.</summary>
    public LogIndex Persisted { get; private set; }

    public SnapshotMetadata SnapshotMetadata => _snapshot.Metadata;

    public Snapshot Snapshot => _snapshot;

    public LogIndex SnapshotIndex => _snapshot.Metadata.Index;

    public LogIndex FirstIndex => SnapshotIndex.Next();

    public LogIndex LastIndex => SnapshotIndex.Plus((ulong)_entries.Count);

    public Term LastTerm => _entries.Count == 0 ? _snapshot.Metadata.Term : _entries[^1].Term;

    public LogPosition LastPosition => new(LastIndex, LastTerm);

    public int Count => _entries.Count;

    public Membership Membership => _membershipHistory.Count == 0 ? _snapshot.Metadata.Membership : _membershipHistory[^1].Membership;

    /// <summary>Index of the latest membership-change entry in the log, or the snapshot's index.</summary>
    public LogIndex MembershipIndex => _membershipHistory.Count == 0 ? SnapshotIndex : _membershipHistory[^1].Index;

    public bool TryGetTerm(LogIndex index, out Term term)
    {
        if (index == SnapshotIndex)
        {
            term = _snapshot.Metadata.Term;
            return true;
        }

        if (index < SnapshotIndex || index > LastIndex)
        {
            term = Term.Zero;
            return false;
        }

        term = _entries[Position(index)].Term;
        return true;
    }

    public bool MatchTerm(LogIndex index, Term term) => TryGetTerm(index, out var t) && t == term;

    public Entry EntryAt(LogIndex index)
    {
        Invariant.Holds(index >= FirstIndex && index <= LastIndex, $"index {index} not in [{FirstIndex}, {LastIndex}]");
        return _entries[Position(index)];
    }

    /// <summary>Appends entries the leader itself created; their indexes must follow the log.</summary>
    public void AppendAsLeader(Entry entry)
    {
        Invariant.Holds(entry.Index == LastIndex.Next());
        Invariant.Holds(entry.Term >= LastTerm);
        AppendOne(entry);
    }

    /// <summary>
    /// Applies a leader's entries after <paramref name="previous"/> (paper §5.3). Returns false when the
    /// log does not contain <paramref name="previous"/>. Entries that already match are kept, so a
    /// stale or duplicated message never truncates anything; the first conflicting entry and all that
    /// follow it are replaced.
    /// </summary>
    public bool TryAppendFromLeader(LogPosition previous, ImmutableArray<Entry> entries, out LogIndex lastNewIndex)
    {
        lastNewIndex = LogIndex.Zero;
        if (!MatchTerm(previous.Index, previous.Term))
        {
            return false;
        }

        lastNewIndex = previous.Index.Plus((ulong)entries.Length);
        if (ConflictsWithCommitted(entries))
        {
            lastNewIndex = LogIndex.Zero;
            return false;
        }

        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            Invariant.Holds(entry.Index == previous.Index.Plus((ulong)i + 1), "leader entries must be contiguous");
            if (entry.Index <= SnapshotIndex)
            {
                continue;
            }

            if (entry.Index <= LastIndex)
            {
                if (EntryAt(entry.Index).Term == entry.Term)
                {
                    continue;
                }

                Invariant.Holds(entry.Index > Committed, $"a leader tried to overwrite committed entry {entry.Index} (commit {Committed})");
                TruncateFrom(entry.Index);
            }

            AppendOne(entry);
        }

        return true;
    }

    /// <summary>
    /// Whether the entries would overwrite a committed entry with a different one. A correct leader
    /// never sends that (Leader Completeness), so such a message is refused, never applied.
    /// </summary>
    public bool ConflictsWithCommitted(ImmutableArray<Entry> entries)
    {
        foreach (var entry in entries)
        {
            if (entry.Index > Committed)
            {
                return false;
            }

            if (entry.Index > SnapshotIndex && EntryAt(entry.Index).Term != entry.Term)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The last index at or below <paramref name="index"/> whose term is at most <paramref name="term"/>
    /// (or the snapshot's position): where two logs that disagree may still agree.
    /// </summary>
    public LogPosition FindConflictByTerm(LogIndex index, Term term)
    {
        index = LogIndex.Min(index, LastIndex);
        while (index > SnapshotIndex)
        {
            var t = EntryAt(index).Term;
            if (t <= term)
            {
                return new LogPosition(index, t);
            }

            index = index.Previous();
        }

        return _snapshot.Metadata.Last;
    }

    /// <summary>Up to <paramref name="maxCount"/> entries from <paramref name="from"/>, within the byte budget (at least one).</summary>
    public ImmutableArray<Entry> Slice(LogIndex from, int maxCount, long maxBytes)
    {
        if (from > LastIndex)
        {
            return ImmutableArray<Entry>.Empty;
        }

        Invariant.Holds(from >= FirstIndex, $"slice from {from} below first index {FirstIndex}");
        var start = Position(from);
        var count = Math.Min(maxCount, _entries.Count - start);
        long bytes = 0;
        for (var i = 0; i < count; i++)
        {
            bytes += _entries[start + i].Data.Length;
            if (bytes > maxBytes && i > 0)
            {
                count = i;
                break;
            }
        }

        var builder = ImmutableArray.CreateBuilder<Entry>(count);
        for (var i = 0; i < count; i++)
        {
            builder.Add(_entries[start + i]);
        }

        return builder.MoveToImmutable();
    }

    public bool CommitTo(LogIndex index)
    {
        if (index <= Committed)
        {
            return false;
        }

        Invariant.Holds(index <= LastIndex, $"commit {index} beyond last index {LastIndex}");
        Committed = index;
        return true;
    }

    /// <summary>Replaces the whole log with a snapshot received from the leader (paper §7).</summary>
    public void Restore(Snapshot snapshot)
    {
        Invariant.Holds(snapshot.Metadata.Index > Committed, "a snapshot must be ahead of the commit index");
        _entries.Clear();
        _membershipHistory.Clear();
        _snapshot = snapshot;
        _unstableSnapshot = snapshot;
        Committed = snapshot.Metadata.Index;
        Persisted = LogIndex.Min(Persisted, snapshot.Metadata.Index);
        _unstableFrom = LastIndex.Next();
    }

    /// <summary>
    /// Discards entries up to <paramref name="index"/>, which the host has applied and captured in
    /// <paramref name="data"/> (paper §7, log compaction).
    /// </summary>
    public Snapshot? Compact(LogIndex index, ReadOnlyMemory<byte> data)
    {
        Invariant.Holds(index <= Applied, $"compact {index} beyond applied {Applied}");
        Invariant.Holds(index <= Persisted, $"compact {index} beyond persisted {Persisted}");
        if (index <= SnapshotIndex)
        {
            return null;
        }

        var metadata = new SnapshotMetadata(new LogPosition(index, EntryAt(index).Term), MembershipAt(index), data.Length);
        var drop = Position(index) + 1;
        _entries.RemoveRange(0, drop);
        _membershipHistory.RemoveAll(m => m.Index <= index);
        _snapshot = new Snapshot(metadata, data);
        return _snapshot;
    }

    public Membership MembershipAt(LogIndex index)
    {
        var result = _snapshot.Metadata.Membership;
        foreach (var (at, membership) in _membershipHistory)
        {
            if (at > index)
            {
                break;
            }

            result = membership;
        }

        return result;
    }

    public bool HasUnstable => _unstableSnapshot is not null || _unstableFrom <= LastIndex;

    public bool HasEntriesToApply => Committed > _applyingTo;

    /// <summary>Hands the unpersisted snapshot and entries to the host.</summary>
    public (Snapshot? Snapshot, ImmutableArray<Entry> Entries) TakeUnstable()
    {
        var snapshot = _unstableSnapshot;
        _unstableSnapshot = null;
        var entries = _unstableFrom <= LastIndex ? Slice(_unstableFrom, int.MaxValue, long.MaxValue) : ImmutableArray<Entry>.Empty;
        _unstableFrom = LastIndex.Next();
        if (snapshot is not null)
        {
            _applyingTo = LogIndex.Max(_applyingTo, snapshot.Metadata.Index);
        }

        return (snapshot, entries);
    }

    /// <summary>Hands the committed entries the host has not yet been given to apply.</summary>
    public ImmutableArray<Entry> TakeCommittedToApply()
    {
        if (Committed <= _applyingTo)
        {
            return ImmutableArray<Entry>.Empty;
        }

        var from = _applyingTo.Next();
        var entries = Slice(from, int.MaxValue, long.MaxValue);
        var count = (int)(Committed.Value - _applyingTo.Value);
        if (entries.Length > count)
        {
            entries = entries.Slice(0, count);
        }

        _applyingTo = Committed;
        return entries;
    }

    /// <summary>Records what the host made durable and applied for one Ready.</summary>
    public void Advance(Ready ready)
    {
        if (ready.Snapshot is not null)
        {
            Persisted = LogIndex.Max(Persisted, LogIndex.Min(ready.Snapshot.Metadata.Index, SnapshotIndex));
            Applied = LogIndex.Max(Applied, ready.Snapshot.Metadata.Index);
        }

        if (!ready.Entries.IsEmpty)
        {
            var candidate = LogIndex.Min(ready.Entries[^1].Index, _unstableFrom.Previous());
            var first = ready.Entries[0].Index;
            if (candidate >= first && MatchTerm(candidate, ready.Entries[(int)(candidate.Value - first.Value)].Term))
            {
                Persisted = LogIndex.Max(Persisted, candidate);
            }
        }

        if (!ready.CommittedEntries.IsEmpty)
        {
            Applied = LogIndex.Max(Applied, ready.CommittedEntries[^1].Index);
        }

        Invariant.Holds(Applied <= Committed, $"applied {Applied} beyond commit {Committed}");
    }

    private void TruncateFrom(LogIndex index)
    {
        Invariant.Holds(index > SnapshotIndex && index <= LastIndex);
        _entries.RemoveRange(Position(index), _entries.Count - Position(index));
        _membershipHistory.RemoveAll(m => m.Index >= index);
        _unstableFrom = LogIndex.Min(_unstableFrom, index);
        Persisted = LogIndex.Min(Persisted, index.Previous());
    }

    private void AppendOne(Entry entry)
    {
        _entries.Add(entry);
        if (entry.Kind == EntryKind.MembershipChange)
        {
            Invariant.Holds(MembershipCodec.TryDecode(entry.Data.Span, out _, out var membership), $"undecodable membership entry {entry.Index}");
            _membershipHistory.Add((entry.Index, membership));
        }
    }

    private int Position(LogIndex index) => (int)(index.Value - FirstIndex.Value);
}
