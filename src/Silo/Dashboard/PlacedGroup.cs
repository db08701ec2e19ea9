namespace Synod.Silo.Dashboard;

/// <summary>Where a group's replicas are placed, as this silo's directory says: replica id (Raft) or index (PBFT) and silo.</summary>
internal sealed record PlacedGroup(string Group, string Protocol, IReadOnlyList<(ulong Replica, int Silo)> Replicas);
