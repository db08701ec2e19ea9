using System.Net;
using System.Net.Sockets;

namespace Synod.Cluster.Tests;

/// <summary>Free loopback ports for the transports and HTTP APIs of up to five silos's transports and HTTP APIs, found by binding port 0.</summary>
internal sealed class ClusterPorts
{
    private readonly int[] _transport = [.. Enumerable.Range(0, 5).Select(_ => FreePort())];
    private readonly int[] _http = [.. Enumerable.Range(0, 5).Select(_ => FreePort())];

    public string Transport(int silo) => $"127.0.0.1:{_transport[silo - 1]}";

    public string Http(int silo) => $"http://127.0.0.1:{_http[silo - 1]}";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
