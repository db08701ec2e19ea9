using System.Net;
using System.Net.Sockets;

namespace Synod.Chaos;

/// <summary>
/// Loopback ports for the transports and HTTP APIs of up to five silos: free ones found by binding
/// port 0, or ten consecutive ones from a given base (transports first, then HTTP).
/// </summary>
public sealed class ClusterPorts
{
    private readonly int[] _transport;
    private readonly int[] _http;

    /// <summary>Free ports, found by binding port 0.</summary>
    public ClusterPorts()
    {
        _transport = [.. Enumerable.Range(0, 5).Select(_ => FreePort())];
        _http = [.. Enumerable.Range(0, 5).Select(_ => FreePort())];
    }

    /// <summary>Ports <paramref name="basePort"/> to <paramref name="basePort"/> + 9.</summary>
    public ClusterPorts(int basePort)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(basePort, 1024);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(basePort, 65535 - 10);
        _transport = [.. Enumerable.Range(basePort, 5)];
        _http = [.. Enumerable.Range(basePort + 5, 5)];
    }

    /// <summary>Silo <paramref name="silo"/>'s transport endpoint, host:port.</summary>
    public string Transport(int silo) => $"127.0.0.1:{_transport[silo - 1]}";

    /// <summary>Silo <paramref name="silo"/>'s HTTP API, http://host:port.</summary>
    public string Http(int silo) => $"http://127.0.0.1:{_http[silo - 1]}";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
