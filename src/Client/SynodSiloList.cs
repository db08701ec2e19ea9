namespace Synod.Client;

/// <summary>The cluster's silos as the directory records them (the body of <c>GET /v1/silos</c>).</summary>
/// <param name="Version">The directory version they come from.</param>
/// <param name="Silos">Every silo, by id.</param>
public sealed record SynodSiloList(ulong Version, IReadOnlyList<SynodSiloInfo> Silos);
