namespace Synod.Silo.Dashboard;

/// <summary>One second of the cluster's gateway requests: how many completed, and their p50 and p99 latency.</summary>
public sealed record LatencyPoint(long Second, long Requests, double P50Ms, double P99Ms);
