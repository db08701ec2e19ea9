namespace Synod.Consensus;

/// <summary>
/// A small, fast, seeded pseudo-random generator (SplitMix64, Steele et al. 2014). Deterministic
/// for a given seed on every platform, which is what the simulator's reproducibility rests on.
/// </summary>
public sealed class SplitMix64Random : IRandomSource
{
    private ulong _state;

    public SplitMix64Random(ulong seed) => _state = seed;

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        // Lemire's multiply-shift reduction; the bias is below 2^-32 for the ranges we use.
        return (int)(((NextUInt64() >> 32) * (ulong)maxExclusive) >> 32);
    }

    /// <summary>Returns a value in [min, maxInclusive].</summary>
    public int Between(int min, int maxInclusive) => min + Next(maxInclusive - min + 1);

    /// <summary>Returns true with the given probability (0..1).</summary>
    public bool Chance(double probability) => (NextUInt64() >> 11) * (1.0 / (1UL << 53)) < probability;
}
