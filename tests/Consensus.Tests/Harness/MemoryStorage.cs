using System.Collections.Immutable;
using Synod.Consensus.Raft;

namespace Synod.Consensus.Tests.Harness;

/// <summary>
/// One replica's stable storage in the tests: hard state, snapshot and log entries, written exactly
/// as the host rules in <see cref="Ready"/> describe. It survives <see cref="TestCluster.Crash"/>.
/// </summary>
internal sealed class MemoryStorage
{
    // Invariant: _entries are contiguous and start right after Snapshot's index.
    private readonly List<Entry> _entries = [];

    public MemoryStorage(Snapshot snapshot) => Snapshot = snapshot;

    public HardState HardState { get; private set; }

    public Snapshot Snapshot { get; private set; }

    public IReadOnlyList<Entry> Entries => _entries;

    public LogIndex LastIndex => _entries.Count == 0 ? Snapshot.Metadata.Index : _entries[^1].Index;

    /// <summary>Writes what a Ready asks to persist: snapshot, then entries, then hard state.</summary>
    public void Persist(Ready ready)
    {
        if (ready.Snapshot is not null)
        {
            // A snapshot handed in a Ready comes from the leader and replaces the whole log: the core
            // only restores one when its own log does not hold the snapshot's last entry.
            Snapshot = ready.Snapshot;
            _entries.Clear();
        }

        if (!ready.Entries.IsEmpty)
        {
            Append(ready.Entries);
        }

        if (ready.HardState is { } hardState)
        {
            HardState = hardState;
        }
    }

    /// <summary>Replaces everything, to start a replica from a crafted state.</summary>
    public void Replace(HardState hardState, Snapshot snapshot, IEnumerable<Entry> entries)
    {
        HardState = hardState;
        Snapshot = snapshot;
        _entries.Clear();
        _entries.AddRange(entries);
        CheckContiguous();
    }

    /// <summary>Records a snapshot the host took itself, dropping the entries it covers.</summary>
    public void Compact(Snapshot snapshot)
    {
        _entries.RemoveAll(e => e.Index <= snapshot.Metadata.Index);
        Snapshot = snapshot;
        CheckContiguous();
    }

    /// <summary>The membership in force at <paramref name="index"/>: the last change entry at or before it.</summary>
    public Membership MembershipAt(LogIndex index)
    {
        var membership = Snapshot.Metadata.Membership;
        foreach (var entry in _entries)
        {
            if (entry.Index > index)
            {
                break;
            }

            if (entry.Kind == EntryKind.MembershipChange && MembershipCodec.TryDecode(entry.Data.Span, out _, out var next))
            {
                membership = next;
            }
        }

        return membership;
    }

    private void Append(ImmutableArray<Entry> entries)
    {
        var first = entries[0].Index;
        if (first <= Snapshot.Metadata.Index || first.Value > LastIndex.Value + 1)
        {
            throw new InvalidOperationException(
                $"Ready entries start at {first}, but storage holds a snapshot at {Snapshot.Metadata.Index} and entries up to {LastIndex}");
        }

        _entries.RemoveAll(e => e.Index >= first);
        _entries.AddRange(entries);
        CheckContiguous();
    }

    private void CheckContiguous()
    {
        var expected = Snapshot.Metadata.Index;
        foreach (var entry in _entries)
        {
            expected = expected.Next();
            if (entry.Index != expected)
            {
                throw new InvalidOperationException($"storage entries are not contiguous: found {entry.Index}, expected {expected}");
            }
        }
    }
}
