namespace Synod.Silo.Dashboard;

/// <summary>A replica on the dashboard: its placement and, when its silo answered, its snapshot.</summary>
/// <param name="Replica">Replica id (Raft) or index (PBFT).</param>
/// <param name="Silo">Its silo.</param>
/// <param name="Role">Its role, or <c>Unreachable</c> when its silo did not report it.</param>
/// <param name="Term">Term or view.</param>
/// <param name="Commit">Commit index or last executed.</param>
/// <param name="Applied">Applied index or last executed.</param>
/// <param name="LastIndex">Last log index or last executed.</param>
/// <param name="LagEntries">How far its log is behind the leader's (or primary's) last index.</param>
/// <param name="Quiet">Whether it is quiet.</param>
/// <param name="Byzantine">Its Byzantine mode, empty when honest.</param>
public sealed record ReplicaView(ulong Replica, int Silo, string Role, ulong Term, ulong Commit, ulong Applied, ulong LastIndex, ulong LagEntries, bool Quiet, string Byzantine);
