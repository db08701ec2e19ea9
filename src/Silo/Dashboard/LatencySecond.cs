namespace Synod.Silo.Dashboard;

/// <summary>One second of a silo's request latencies: its Unix second and the count per histogram bucket (empty when no request).</summary>
public sealed record LatencySecond(long Second, int[] Counts);
