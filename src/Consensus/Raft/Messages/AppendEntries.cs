using System.Collections.Immutable;

namespace Synod.Consensus.Raft;

/// <summary>
/// Log replication from the leader (paper §5.3): the entries that follow <see cref="Previous"/>, and
/// the leader's commit index.
/// </summary>
public sealed record AppendEntries(ReplicaId From, ReplicaId To, Term Term, LogPosition Previous, ImmutableArray<Entry> Entries, LogIndex Commit)
    : RaftMessage(From, To, Term);
