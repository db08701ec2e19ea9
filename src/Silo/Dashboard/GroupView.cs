namespace Synod.Silo.Dashboard;

/// <summary>A group on the dashboard: a row of the groups table, and with its replicas the group page.</summary>
/// <param name="Group">The group's name.</param>
/// <param name="Protocol"><c>raft</c> or <c>pbft</c>.</param>
/// <param name="Leader">Leader replica (Raft) or primary index (PBFT); null when none is known.</param>
/// <param name="LeaderSilo">The leader's or primary's silo; null when none.</param>
/// <param name="Term">Highest term or view reported.</param>
/// <param name="Commit">The leader's commit index (PBFT: highest last executed).</param>
/// <param name="Applied">The leader's applied index (PBFT: highest last executed).</param>
/// <param name="SlowestLagEntries">How far the slowest replica is behind.</param>
/// <param name="LeaderChanges">Leaders elected (Raft) or views entered (PBFT) since the silos started.</param>
/// <param name="Health"><c>ok</c>, <c>degraded</c> (a replica unreachable, faulted, Byzantine or lagging) or <c>down</c> (no leader or no quorum).</param>
/// <param name="Quiet">Whether every reporting replica is quiet.</param>
/// <param name="Replicas">Its replicas, by id.</param>
public sealed record GroupView(
    string Group,
    string Protocol,
    ulong? Leader,
    int? LeaderSilo,
    ulong Term,
    ulong Commit,
    ulong Applied,
    ulong SlowestLagEntries,
    long LeaderChanges,
    string Health,
    bool Quiet,
    IReadOnlyList<ReplicaView> Replicas);
