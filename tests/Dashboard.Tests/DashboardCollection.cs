namespace Synod.Dashboard.Tests;

/// <summary>The dashboard tests share one cluster and run one after the other (the cost test needs no other client).</summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardCluster>
{
    public const string Name = "dashboard cluster";
}
