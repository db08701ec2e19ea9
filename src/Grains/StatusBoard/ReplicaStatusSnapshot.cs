namespace Synod.Grains.StatusBoard;

/// <summary>
/// What one replica looked like at the end of a turn: published by the replica grain into its
/// silo's <see cref="ReplicaStatusBoard"/>, read by the dashboard without calling the grain.
/// Immutable, so a reader on another thread sees one consistent state.
/// </summary>
/// <param name="Group">The consensus group.</param>
/// <param name="Replica">The replica's id (Raft) or index (PBFT).</param>
/// <param name="Protocol"><c>raft</c> or <c>pbft</c>.</param>
/// <param name="Role">Raft: Leader, Follower, Candidate, PreCandidate, Learner; PBFT: Primary, Backup, ViewChanging.</param>
/// <param name="Term">Raft term, or PBFT view.</param>
/// <param name="Leader">The leader's replica id (Raft, 0 when unknown) or the primary's index (PBFT).</param>
/// <param name="Commit">Raft commit index; PBFT last executed sequence number.</param>
/// <param name="Applied">Raft applied index; PBFT last executed sequence number.</param>
/// <param name="LastIndex">Raft last log index; PBFT last executed sequence number.</param>
/// <param name="SlowestFollowerLagEntries">On a Raft leader, entries the slowest voter's match index is behind the leader's last index; 0 otherwise.</param>
/// <param name="Voters">Voters of the replica's configuration (Raft) or replicas of the group (PBFT).</param>
/// <param name="Quiet">Whether the replica is quiet (issue 6: an idle group is not ticked).</param>
/// <param name="Faulted">Whether the replica stopped on a fault.</param>
/// <param name="Byzantine">The PBFT Byzantine mode it runs, empty when honest.</param>
/// <param name="LeaderChanges">Raft: times this replica became leader; PBFT: views this replica entered — since it was activated.</param>
/// <param name="PublishedAtMs">Unix time, in milliseconds, of the snapshot.</param>
public sealed record ReplicaStatusSnapshot(
    string Group,
    ulong Replica,
    string Protocol,
    string Role,
    ulong Term,
    ulong Leader,
    ulong Commit,
    ulong Applied,
    ulong LastIndex,
    ulong SlowestFollowerLagEntries,
    int Voters,
    bool Quiet,
    bool Faulted,
    string Byzantine,
    long LeaderChanges,
    long PublishedAtMs);
