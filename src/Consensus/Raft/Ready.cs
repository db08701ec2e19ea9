using System.Collections.Immutable;

namespace Synod.Consensus.Raft;

/// <summary>
/// Everything the host must do after a batch of steps, in this order:
/// <list type="number">
/// <item>Persist, atomically or in this order: <see cref="Snapshot"/> (a snapshot received from the
/// leader replaces the whole stored log, not only the prefix it covers),
/// <see cref="Entries"/> (first dropping any stored entries at or after <c>Entries[0].Index</c>),
/// then <see cref="HardState"/>.</item>
/// <item>Only then send <see cref="Messages"/>: votes and acknowledgements in them promise that the
/// state above is durable.</item>
/// <item>Restore the state machine from <see cref="Snapshot"/> if present, then apply
/// <see cref="CommittedEntries"/> in order.</item>
/// <item>Answer each <see cref="ReadStates"/> read once the state machine has applied its index.</item>
/// <item>Call <see cref="RaftNode.Advance"/> with this Ready.</item>
/// </list>
/// Steps may be given to the node between <see cref="RaftNode.TakeReady"/> and Advance; a new Ready
/// is only produced after Advance.
/// <para>Allowed overlaps (thesis §10.2.1; what RaftReplicaGrain and the simulator's host do): a
/// leader whose Ready changes neither term nor vote may send its messages before persisting, since
/// the core counts the leader towards a commit only for entries Advance confirmed durable; committed
/// entries already durable on this replica may be applied before this Ready's write; and a Ready
/// whose hard state changed only the commit index need not be written at once (etcd's MustSync):
/// the commit index is relearned after a restart.</para>
/// </summary>
public sealed class Ready
{
    public SoftState? SoftState { get; init; }

    public HardState? HardState { get; init; }

    public Snapshot? Snapshot { get; init; }

    public ImmutableArray<Entry> Entries { get; init; } = ImmutableArray<Entry>.Empty;

    public ImmutableArray<Entry> CommittedEntries { get; init; } = ImmutableArray<Entry>.Empty;

    public ImmutableArray<RaftMessage> Messages { get; init; } = ImmutableArray<RaftMessage>.Empty;

    public ImmutableArray<ReadState> ReadStates { get; init; } = ImmutableArray<ReadState>.Empty;

    /// <summary>Contexts of reads that will never be confirmed here (leadership was lost); retry elsewhere.</summary>
    public ImmutableArray<ulong> AbortedReads { get; init; } = ImmutableArray<ulong>.Empty;

    /// <summary>True when nothing must be persisted before <see cref="Messages"/> may leave.</summary>
    public bool MustPersist => HardState is not null || Snapshot is not null || !Entries.IsEmpty;
}
