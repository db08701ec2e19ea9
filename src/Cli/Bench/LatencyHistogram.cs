namespace Synod.Cli.Bench;

/// <summary>
/// A log-linear latency histogram in the manner of HdrHistogram: values in nanoseconds from 0 to
/// <see cref="HighestTrackableNanoseconds"/> (60 s), exact below 2,048 ns and, above, 1,024
/// sub-buckets per power of two, so a recorded value is known to within 1/1024 of itself (about
/// three significant digits). Recording is one array increment and allocates nothing; a
/// histogram belongs to one worker (no synchronisation) and the workers' histograms are merged with
/// <see cref="Add"/> when the run is over. Larger values are counted in the top bucket; the
/// maximum is kept exactly.
/// </summary>
internal sealed class LatencyHistogram
{
    /// <summary>The largest value told apart from larger ones: 60 seconds.</summary>
    public const long HighestTrackableNanoseconds = 60_000_000_000;

    // Invariant: SubBucketCount == 2 * SubBucketHalfCount; values below SubBucketCount are exact.
    private const int SubBucketBits = 11;
    private const long SubBucketCount = 1L << SubBucketBits;
    private const long SubBucketHalfCount = SubBucketCount / 2;

    private static readonly int BucketCount = Index(HighestTrackableNanoseconds) + 1;

    private readonly long[] _counts = new long[BucketCount];

    /// <summary>Values recorded.</summary>
    public long Count { get; private set; }

    /// <summary>The largest value recorded, exactly (0 when empty).</summary>
    public long MaxNanoseconds { get; private set; }

    /// <summary>Records one value; a negative one counts as 0, one above 60 s in the top bucket.</summary>
    public void Record(long nanoseconds)
    {
        long value = Math.Clamp(nanoseconds, 0, HighestTrackableNanoseconds);
        _counts[Index(value)]++;
        Count++;
        if (nanoseconds > MaxNanoseconds)
        {
            MaxNanoseconds = nanoseconds;
        }
    }

    /// <summary>Adds every value of <paramref name="other"/> to this histogram.</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (int i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        MaxNanoseconds = Math.Max(MaxNanoseconds, other.MaxNanoseconds);
    }

    /// <summary>Forgets every value.</summary>
    public void Clear()
    {
        Array.Clear(_counts);
        Count = 0;
        MaxNanoseconds = 0;
    }

    /// <summary>
    /// The value at <paramref name="percentile"/> (0 to 100) by nearest rank — the smallest recorded
    /// value with at least that share of values at or below it — to within the histogram's
    /// resolution (the middle of its bucket); 0 when empty. 100 gives the exact maximum.
    /// </summary>
    public long ValueAtPercentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        if (Count == 0)
        {
            return 0;
        }

        if (percentile >= 100)
        {
            return MaxNanoseconds;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(percentile / 100 * Count));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(Middle(i), MaxNanoseconds);
            }
        }

        return MaxNanoseconds;
    }

    /// <summary>The bucket of <paramref name="value"/> (0 to 60 s): exact below 2,048, then 1,024 per power of two.</summary>
    internal static int Index(long value)
    {
        if (value < SubBucketCount)
        {
            return (int)value;
        }

        int exponent = 63 - (int)long.LeadingZeroCount(value);     // 2^exponent <= value, exponent >= SubBucketBits
        int shift = exponent - (SubBucketBits - 1);                  // keeps SubBucketBits - 1 bits below the leading one
        long sub = value >> shift;                                    // in [SubBucketHalfCount, SubBucketCount)
        return (int)(SubBucketCount + ((exponent - SubBucketBits) * SubBucketHalfCount) + (sub - SubBucketHalfCount));
    }

    /// <summary>The smallest value of bucket <paramref name="index"/>.</summary>
    internal static long LowestOf(int index)
    {
        if (index < SubBucketCount)
        {
            return index;
        }

        long above = index - SubBucketCount;
        int exponent = (int)(above / SubBucketHalfCount) + SubBucketBits;
        long sub = (above % SubBucketHalfCount) + SubBucketHalfCount;
        return sub << (exponent - (SubBucketBits - 1));
    }

    /// <summary>How many values bucket <paramref name="index"/> holds.</summary>
    internal static long WidthOf(int index) =>
        index < SubBucketCount ? 1 : 1L << (int)(((index - SubBucketCount) / SubBucketHalfCount) + 1);

    private static long Middle(int index) => LowestOf(index) + ((WidthOf(index) - 1) / 2);
}
