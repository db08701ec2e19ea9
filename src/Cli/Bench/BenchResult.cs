namespace Synod.Cli.Bench;

/// <summary>What one run measured: operations that succeeded and failed in the measured window, and their latencies.</summary>
internal sealed record BenchResult(BenchSettings Settings, double MeasuredSeconds, long Ops, long Errors, LatencyHistogram Latencies)
{
    public double OpsPerSecond => MeasuredSeconds > 0 ? Ops / MeasuredSeconds : 0;

    /// <summary>The measured failures by kind: the error code (<c>unavailable</c>, …) or the exception's type.</summary>
    public IReadOnlyDictionary<string, long> ErrorKinds { get; init; } = new Dictionary<string, long>();
}
