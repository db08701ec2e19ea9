using System.Globalization;

namespace Synod.Silo.Hosting;

/// <summary>
/// The local development cluster: four silos in one process on 127.0.0.1 — transport on
/// 11111–11114, HTTP API on 8081–8084, SQLite files under <c>./data</c> — sharing a fixed, public
/// cluster key (never use it for anything real).
/// </summary>
public static class DevCluster
{
    /// <summary>The dev cluster's well-known key.</summary>
    public const string Key = "synod-dev-cluster-key-not-secret";

    /// <summary>The four silos' options.</summary>
    public static IReadOnlyList<SiloOptions> Silos(string dataDirectory = "data", int firstTransportPort = 11111, int firstHttpPort = 8081)
    {
        List<SiloPeerOptions> peers = [.. Enumerable.Range(1, 4).Select(id => new SiloPeerOptions
        {
            Id = id,
            TransportEndpoint = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{firstTransportPort + id - 1}"),
            HttpEndpoint = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{firstHttpPort + id - 1}"),
        })];
        return [.. peers.Select(peer => new SiloOptions
        {
            Id = peer.Id,
            ClusterKey = Key,
            TransportEndpoint = peer.TransportEndpoint,
            HttpEndpoint = peer.HttpEndpoint,
            DataDirectory = dataDirectory,
            Silos = peers,
        })];
    }
}
