using System.Diagnostics;

namespace Synod.Silo.Dashboard;

/// <summary>
/// The gateway's request latencies, per second of the last <see cref="Seconds"/> seconds, in a
/// log-linear histogram (16 exact buckets below 16 µs, then 8 per power of two up to 2^24 µs ≈ 17 s:
/// ±6% per bucket). Recording is lock-free and allocation-free — a few interlocked increments — so
/// the gateway records always and a dashboard opened later still sees the last minutes.
/// </summary>
/// <remarks>
/// A slot is reused every <see cref="Seconds"/> seconds; the thread that first records into a new
/// second clears it, and an increment racing that clear may be lost. The figures are for eyes,
/// not for accounting.
/// </remarks>
public sealed class RequestLatencyRecorder
{
    /// <summary>Seconds of history kept.</summary>
    public const int Seconds = 300;

    /// <summary>Buckets per second.</summary>
    public const int Buckets = 16 + (MaxExponent - 4 + 1) * 8;

    private const int MaxExponent = 24;

    private readonly Slot[] _slots = [.. Enumerable.Range(0, Seconds).Select(_ => new Slot())];
    private readonly TimeProvider _time;

    /// <summary>Creates an empty recorder; <paramref name="time"/> (the system's by default) places requests in seconds.</summary>
    public RequestLatencyRecorder(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>Records one request that took <paramref name="elapsed"/>.</summary>
    public void Record(TimeSpan elapsed)
    {
        long second = _time.GetUtcNow().ToUnixTimeSeconds();
        Slot slot = _slots[second % Seconds];
        long stamp = Volatile.Read(ref slot.Second);
        if (stamp != second && Interlocked.CompareExchange(ref slot.Second, second, stamp) == stamp)
        {
            Array.Clear(slot.Counts);
        }

        Interlocked.Increment(ref slot.Counts[Bucket((long)elapsed.TotalMicroseconds)]);
    }

    /// <summary>Starts timing a request; pass the result to <see cref="RecordSince"/>.</summary>
    public static long Start() => Stopwatch.GetTimestamp();

    /// <summary>Records a request that started at <paramref name="started"/> (from <see cref="Start"/>).</summary>
    public void RecordSince(long started) => Record(Stopwatch.GetElapsedTime(started));

    /// <summary>The completed seconds after <paramref name="afterSecond"/> (Unix seconds), oldest first, with their counts per bucket.</summary>
    public IReadOnlyList<LatencySecond> CompletedAfter(long afterSecond)
    {
        long now = _time.GetUtcNow().ToUnixTimeSeconds();
        var seconds = new List<LatencySecond>();
        for (long second = Math.Max(afterSecond + 1, now - Seconds + 1); second < now; second++)
        {
            Slot slot = _slots[second % Seconds];
            if (Volatile.Read(ref slot.Second) != second)
            {
                seconds.Add(new LatencySecond(second, []));
                continue;
            }

            seconds.Add(new LatencySecond(second, [.. slot.Counts]));
        }

        return seconds;
    }

    /// <summary>The bucket of a latency of <paramref name="micros"/> microseconds.</summary>
    public static int Bucket(long micros)
    {
        if (micros < 16)
        {
            return (int)Math.Max(0L, micros);
        }

        int exponent = (int)Math.Min(63 - long.LeadingZeroCount(micros), MaxExponent);
        long sub = micros >= (1L << (MaxExponent + 1)) ? 7 : (micros >> (exponent - 3)) & 7;
        return 16 + ((exponent - 4) * 8) + (int)sub;
    }

    /// <summary>The middle of a bucket, in microseconds.</summary>
    public static double BucketMidMicros(int bucket)
    {
        if (bucket < 16)
        {
            return bucket + 0.5;
        }

        int exponent = ((bucket - 16) / 8) + 4;
        int sub = (bucket - 16) % 8;
        double width = Math.Pow(2, exponent - 3);
        return ((8 + sub) * width) + (width / 2);
    }

    /// <summary>The latency, in milliseconds, below which <paramref name="quantile"/> of the counted requests fell; 0 when none.</summary>
    public static double QuantileMs(IReadOnlyList<long> counts, double quantile)
    {
        long total = counts.Sum();
        if (total == 0)
        {
            return 0;
        }

        long rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (int bucket = 0; bucket < counts.Count; bucket++)
        {
            seen += counts[bucket];
            if (seen >= rank)
            {
                return BucketMidMicros(bucket) / 1000.0;
            }
        }

        return BucketMidMicros(counts.Count - 1) / 1000.0;
    }

    private sealed class Slot
    {
        public long Second = -1;
        public readonly int[] Counts = new int[Buckets];
    }
}
