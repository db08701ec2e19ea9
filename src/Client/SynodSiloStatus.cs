namespace Synod.Client;

/// <summary>One silo of the cluster.</summary>
/// <param name="Id">The silo's id.</param>
/// <param name="HttpAddress">Where its HTTP API listens, such as <c>http://127.0.0.1:8081</c>.</param>
/// <param name="Up">Whether the answering silo hears its heartbeats.</param>
public sealed record SynodSiloStatus(string Id, string HttpAddress, bool Up);
