using System.Diagnostics;

namespace Synod.Simulation;

/// <summary>Runs consecutive seeds across all cores; each seed is deterministic on its own, so order does not matter.</summary>
public static class SeedRunner
{
    public static (TResult[] Results, TimeSpan Elapsed) Run<TResult>(ulong start, int count, Func<ulong, TResult> runSeed, int? maxParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(runSeed);
        var results = new TResult[count];
        var stopwatch = Stopwatch.StartNew();
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism ?? Environment.ProcessorCount }, i => results[i] = runSeed(start + (ulong)i));
        return (results, stopwatch.Elapsed);
    }
}
