using System.Diagnostics;

namespace Synod.Cli.Bench;

/// <summary>
/// Drives the load: <see cref="BenchSettings.Concurrency"/> workers, each with one operation in
/// flight, for the warm-up and then the measured duration. Closed loop: a worker sends its next
/// operation when the last one completes, and latency runs from send to completion. Open loop
/// (<see cref="BenchSettings.Rate"/>): operation <c>i</c> of the run is due at <c>start + i / rate</c>
/// and worker <c>w</c> sends operations <c>w, w + n, w + 2n, …</c>; latency runs from the time an
/// operation was due, not from when it went out, so a slow answer that holds up later operations
/// is charged to them too (no coordinated omission). An operation counts when it was due (or, in
/// closed loop, sent) inside the measured window.
/// </summary>
internal sealed class BenchRunner(IBenchDriver driver, BenchSettings settings)
{
    private readonly BenchWorker[] _workers = [.. Enumerable.Range(0, settings.Concurrency).Select(i => new BenchWorker(i))];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _errorKinds = new(StringComparer.Ordinal);
    private long _start;

    /// <summary>Seconds since the warm-up began (0 before <see cref="RunAsync"/>).</summary>
    public double ElapsedSeconds => _start == 0 ? 0 : Stopwatch.GetElapsedTime(_start).TotalSeconds;

    /// <summary>Whether the measured window has begun.</summary>
    public bool Measuring => ElapsedSeconds >= settings.Warmup.TotalSeconds;

    /// <summary>Measured operations so far, succeeded and failed (safe to read while running).</summary>
    public (long Ops, long Errors) Counts() => (_workers.Sum(w => w.Ops), _workers.Sum(w => w.Errors));

    /// <summary>Writes every key once, so that reads find values (done before a run with reads).</summary>
    public Task PreloadAsync(CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            Enumerable.Range(0, settings.Keys),
            new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken },
            async (key, token) => await driver.WriteAsync(key % settings.Concurrency, key, token).ConfigureAwait(false));

    public async Task<BenchResult> RunAsync(CancellationToken cancellationToken)
    {
        _start = Stopwatch.GetTimestamp();
        long measureFrom = _start + Ticks(settings.Warmup);
        long measureUntil = measureFrom + Ticks(settings.Duration);
        await Task.WhenAll(_workers.Select(w => Task.Run(() => WorkAsync(w, measureFrom, measureUntil, cancellationToken), cancellationToken))).ConfigureAwait(false);

        var latencies = new LatencyHistogram();
        foreach (BenchWorker worker in _workers)
        {
            latencies.Add(worker.Latencies);
        }

        (long ops, long errors) = Counts();
        return new BenchResult(settings, settings.Duration.TotalSeconds, ops, errors, latencies)
        {
            ErrorKinds = new SortedDictionary<string, long>(_errorKinds, StringComparer.Ordinal),
        };
    }

    private async Task WorkAsync(BenchWorker worker, long measureFrom, long measureUntil, CancellationToken cancellationToken)
    {
        // Seeded per worker, so a run's sequence of keys and of reads versus writes is repeatable.
        var random = new Random(worker.Index + 1);
        double ticksPerOp = settings.Rate is { } rate ? Stopwatch.Frequency / rate : 0;
        for (long sequence = worker.Index; !cancellationToken.IsCancellationRequested; sequence += settings.Concurrency)
        {
            long due = settings.Rate is null ? Stopwatch.GetTimestamp() : _start + (long)(sequence * ticksPerOp);
            if (due >= measureUntil)
            {
                return;
            }

            TimeSpan wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }

            int key = random.Next(settings.Keys);
            bool read = settings.ReadRatio > 0 && random.NextDouble() < settings.ReadRatio;
            string? failure = await TryOperationAsync(worker.Index, key, read, cancellationToken).ConfigureAwait(false);
            if (due < measureFrom)
            {
                continue;
            }

            if (failure is null)
            {
                worker.Succeeded((long)Stopwatch.GetElapsedTime(due).TotalNanoseconds);
            }
            else
            {
                worker.Failed();
                _errorKinds.AddOrUpdate(failure, 1, (_, count) => count + 1);
            }
        }
    }

    // Null when the operation succeeded, else what kind of failure it was (the error code, or the exception's type).
    private async Task<string?> TryOperationAsync(int worker, int key, bool read, CancellationToken cancellationToken)
    {
        try
        {
            await (read ? driver.ReadAsync(worker, key, cancellationToken) : driver.WriteAsync(worker, key, cancellationToken)).ConfigureAwait(false);
            return null;
        }
        catch (Exception error) when (driver.IsFailure(error) && !cancellationToken.IsCancellationRequested)
        {
            // Expected: the system refused or did not answer; that is a figure of the run, not a fault of the benchmark.
            return error is Synod.Client.SynodException synod ? synod.Code : error.GetType().Name;
        }
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
