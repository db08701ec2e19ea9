using Synod.Cli.Bench;

namespace Synod.Silo.Tests;

/// <summary>The log-linear latency histogram of <c>synod bench</c> against exact percentiles.</summary>
public sealed class BenchHistogramTests
{
    private static readonly double[] Percentiles = [0, 1, 25, 50, 90, 99, 99.9, 99.99, 100];

    [Theory]
    [InlineData(1, 1_000, 2_000_000)]         // 1 µs to 2 ms, uniform
    [InlineData(2, 50_000, 60_000_000_000)]   // 50 µs to 60 s, log-uniform
    [InlineData(3, 0, 3_000)]                 // the exact region and its edge
    public void Percentiles_are_within_the_relative_error_of_the_exact_ones(int seed, long low, long high)
    {
        // Proves every reported percentile lies within 1/1024 (plus one nanosecond) of the exact nearest-rank percentile of random samples, and the maximum is exact.
        var random = new Random(seed);
        long[] samples = new long[100_000];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = seed == 2
                ? (long)Math.Exp(Math.Log(low) + (random.NextDouble() * (Math.Log(high) - Math.Log(low))))
                : random.NextInt64(low, high + 1);
        }

        var histogram = new LatencyHistogram();
        foreach (long sample in samples)
        {
            histogram.Record(sample);
        }

        Array.Sort(samples);
        Assert.Equal(samples.Length, histogram.Count);
        foreach (double percentile in Percentiles)
        {
            long exact = samples[Math.Max(0, (int)Math.Ceiling(percentile / 100 * samples.Length) - 1)];
            long reported = histogram.ValueAtPercentile(percentile);
            double tolerance = (exact / 1024.0) + 1;
            Assert.True(Math.Abs(reported - exact) <= tolerance, $"p{percentile}: reported {reported} ns, exact {exact} ns, tolerance {tolerance:F1} ns");
        }

        Assert.Equal(samples[^1], histogram.MaxNanoseconds);
    }

    [Fact]
    public void Merged_worker_histograms_equal_one_histogram_of_all_values()
    {
        // Proves Add gives the same counts, maximum and percentiles as recording every value into one histogram.
        var random = new Random(7);
        var whole = new LatencyHistogram();
        var parts = new[] { new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram() };
        for (int i = 0; i < 30_000; i++)
        {
            long value = random.NextInt64(100_000, 500_000_000);
            whole.Record(value);
            parts[i % 3].Record(value);
        }

        var merged = new LatencyHistogram();
        foreach (LatencyHistogram part in parts)
        {
            merged.Add(part);
        }

        Assert.Equal(whole.Count, merged.Count);
        Assert.Equal(whole.MaxNanoseconds, merged.MaxNanoseconds);
        foreach (double percentile in Percentiles)
        {
            Assert.Equal(whole.ValueAtPercentile(percentile), merged.ValueAtPercentile(percentile));
        }
    }

    [Fact]
    public void Buckets_tile_the_range_without_gaps()
    {
        // Proves each bucket starts where the previous one ends, so every value from 0 to 60 s has exactly one bucket and its index round-trips.
        int top = LatencyHistogram.Index(LatencyHistogram.HighestTrackableNanoseconds);
        long next = 0;
        for (int index = 0; index <= top; index++)
        {
            Assert.Equal(next, LatencyHistogram.LowestOf(index));
            Assert.Equal(index, LatencyHistogram.Index(next));
            Assert.Equal(index, LatencyHistogram.Index(next + LatencyHistogram.WidthOf(index) - 1));
            next += LatencyHistogram.WidthOf(index);
        }

        Assert.True(next > LatencyHistogram.HighestTrackableNanoseconds);
    }

    [Fact]
    public void Values_beyond_the_range_count_in_the_top_bucket_and_keep_the_exact_maximum()
    {
        // Proves a 90 s value and a negative one are counted, not lost, and the maximum stays 90 s.
        var histogram = new LatencyHistogram();
        histogram.Record(-5);
        histogram.Record(90_000_000_000);

        Assert.Equal(2, histogram.Count);
        Assert.Equal(0, histogram.ValueAtPercentile(50));
        Assert.Equal(90_000_000_000, histogram.MaxNanoseconds);
        Assert.Equal(90_000_000_000, histogram.ValueAtPercentile(100));
    }
}
