namespace Synod.Client;

/// <summary>The cluster as one silo sees it (<c>GET /v1/status</c>).</summary>
/// <param name="Silo">The id of the silo that answered.</param>
/// <param name="Silos">Every silo in the cluster's configuration.</param>
/// <param name="Groups">Every consensus group and its replicas.</param>
public sealed record SynodClusterStatus(string Silo, IReadOnlyList<SynodSiloStatus> Silos, IReadOnlyList<SynodGroupStatus> Groups);
