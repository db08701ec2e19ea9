using System.Collections.Immutable;

namespace Synod.Consensus.Raft;

/// <summary>A read-only picture of one replica, for hosts, dashboards and checkers.</summary>
public sealed record RaftStatus(
    ReplicaId Id,
    RaftRole Role,
    Term Term,
    ReplicaId Vote,
    ReplicaId Leader,
    LogIndex Commit,
    LogIndex Applied,
    LogIndex Persisted,
    LogPosition Last,
    LogPosition SnapshotLast,
    Membership Membership,
    ReplicaId TransferTarget,
    ImmutableArray<ReplicaProgress> Progress);

/// <summary>The leader's view of one replica's replication.</summary>
public readonly record struct ReplicaProgress(ReplicaId Id, bool IsLearner, LogIndex Match, LogIndex Next, string State, bool RecentActive);
