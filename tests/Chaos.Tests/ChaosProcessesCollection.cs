namespace Synod.Chaos.Tests;

/// <summary>
/// The chaos runs on real silo processes share this collection, so xunit runs them one after the
/// other: on two cores, runs side by side would slow each other's silos and make their timings
/// (recovery, availability windows) measure the machine rather than the cluster.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ChaosProcessesCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "chaos on real processes";
}
