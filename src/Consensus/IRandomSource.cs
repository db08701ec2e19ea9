namespace Synod.Consensus;

/// <summary>
/// The only source of randomness a protocol core may use. Hosts pass a seeded instance so that a
/// run is reproducible from its seed.
/// </summary>
public interface IRandomSource
{
    /// <summary>Returns a uniformly distributed integer in [0, <paramref name="maxExclusive"/>).</summary>
    int Next(int maxExclusive);
}
