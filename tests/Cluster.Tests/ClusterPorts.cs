using System.Net;
using System.Net.Sockets;

namespace Synod.Cluster.Tests;

/// <summary>Free loopback ports for a cluster's transports and HTTP APIs (three silos unless told), found by binding port 0.</summary>
internal sealed class ClusterPorts(int silos = 3)
{
    private readonly int[] _transport = [.. Enumerable.Range(0, silos).Select(_ => FreePort())];
    private readonly int[] _http = [.. Enumerable.Range(0, silos).Select(_ => FreePort())];

    public int Count => _transport.Length;

    public string Transport(int silo) => $"127.0.0.1:{_transport[silo - 1]}";

    public string Http(int silo) => $"http://127.0.0.1:{_http[silo - 1]}";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
