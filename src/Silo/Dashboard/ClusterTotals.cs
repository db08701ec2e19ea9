namespace Synod.Silo.Dashboard;

/// <summary>The overview's totals.</summary>
/// <param name="SilosUp">Silos that answered.</param>
/// <param name="Silos">Silos in the directory.</param>
/// <param name="Groups">Groups.</param>
/// <param name="Replicas">Replicas placed.</param>
/// <param name="Leaders">Groups with a leader or primary.</param>
/// <param name="Healthy">Groups ok.</param>
/// <param name="Degraded">Groups degraded.</param>
/// <param name="Down">Groups without leader or quorum.</param>
/// <param name="RequestsPerSecond">Gateway requests in the last complete second, all silos.</param>
public sealed record ClusterTotals(int SilosUp, int Silos, int Groups, int Replicas, int Leaders, int Healthy, int Degraded, int Down, long RequestsPerSecond);
