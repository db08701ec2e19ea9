using Synod.Consensus.Raft;

namespace Synod.Simulation.Raft;

/// <summary>
/// A replica's simulated stable storage. Only what a host has written survives a crash; it follows
/// the Ready contract: snapshot, then entries (truncating a conflicting suffix), then hard state.
/// </summary>
public sealed class SimDisk
{
    private readonly List<Entry> _entries = [];

    public SimDisk(Membership initial) => Snapshot = Snapshot.Initial(initial);

    public HardState HardState { get; set; }

    public Snapshot Snapshot { get; private set; }

    public IReadOnlyList<Entry> Entries => _entries;

    /// <summary>The index of the last entry on disk (the snapshot's when the log after it is empty).</summary>
    public LogIndex LastIndex => _entries.Count > 0 ? _entries[^1].Index : Snapshot.Metadata.Index;

    /// <param name="hardState">The hard state to store: the Ready's, or a commit-only one the host held back.</param>
    public void Write(Ready ready, HardState? hardState)
    {
        if (ready.Snapshot is not null)
        {
            // A received snapshot replaces the whole log (the core restarted its log from it).
            Snapshot = ready.Snapshot;
            _entries.Clear();
        }

        if (!ready.Entries.IsEmpty)
        {
            var first = ready.Entries[0].Index;
            _entries.RemoveAll(e => e.Index >= first);
            var expected = _entries.Count == 0 ? Snapshot.Metadata.Index.Next() : _entries[^1].Index.Next();
            if (first != expected)
            {
                throw new SimulationViolationException("Ready contract", $"entries from {first} do not follow the stored log ending before {expected}");
            }

            _entries.AddRange(ready.Entries);
        }

        if (hardState is { } hard)
        {
            HardState = hard;
        }
    }

    public void SaveSnapshot(Snapshot snapshot)
    {
        Snapshot = snapshot;
        _entries.RemoveAll(e => e.Index <= snapshot.Metadata.Index);
    }
}
