namespace Synod.Silo.Tests.Harness;

/// <summary>
/// Tests that start an <see cref="InProcessCluster"/> run one after another: the Synod meter and
/// activity source are process-wide, so a listener in one such test would also hear another's silos.
/// </summary>
[CollectionDefinition(Name)]
public sealed class InProcessClusterCollection
{
    public const string Name = "in-process cluster";
}
