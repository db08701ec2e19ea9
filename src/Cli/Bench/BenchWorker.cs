namespace Synod.Cli.Bench;

/// <summary>
/// One worker's figures: written by that worker alone while it runs (no locks, no per-operation
/// allocation), read by the progress display through <see cref="Volatile"/>, merged at the end.
/// </summary>
internal sealed class BenchWorker(int index)
{
    private long _ops;
    private long _errors;

    public int Index { get; } = index;

    /// <summary>Latencies of the measured operations that succeeded.</summary>
    public LatencyHistogram Latencies { get; } = new();

    /// <summary>Measured operations that succeeded.</summary>
    public long Ops => Volatile.Read(ref _ops);

    /// <summary>Measured operations that failed.</summary>
    public long Errors => Volatile.Read(ref _errors);

    public void Succeeded(long latencyNanoseconds)
    {
        Latencies.Record(latencyNanoseconds);
        Volatile.Write(ref _ops, _ops + 1);
    }

    public void Failed() => Volatile.Write(ref _errors, _errors + 1);
}
