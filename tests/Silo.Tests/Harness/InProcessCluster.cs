using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Synod.Grains.Telemetry;
using Synod.Silo.Hosting;

namespace Synod.Silo.Tests.Harness;

/// <summary>
/// Three silos in this process on free loopback ports (one key-value group, kv-0, and the meta
/// group, three replicas each), with their data under a temporary directory removed on dispose.
/// </summary>
internal sealed class InProcessCluster : IAsyncDisposable
{
    private readonly string _directory;

    private InProcessCluster(string directory, SiloHost[] silos)
    {
        _directory = directory;
        Silos = silos;
    }

    public IReadOnlyList<SiloHost> Silos { get; }

    public IEnumerable<Uri> Gateways => Silos.Select(s => new Uri(s.HttpEndpoint));

    /// <param name="faults">When given, the silos' transports go through its link-fault hooks (cut links).</param>
    /// <param name="testing">The silos' Synod:Testing switches (all off when null).</param>
    public static async Task<InProcessCluster> StartAsync(Dashboard.DevClusterControl? faults = null, SiloTestingOptions? testing = null)
    {
        string directory = Path.Combine(Path.GetTempPath(), "synod-tests", $"telemetry-{Guid.NewGuid():N}");
        List<SiloPeerOptions> peers = [.. Enumerable.Range(1, 3).Select(id => new SiloPeerOptions
        {
            Id = id,
            TransportEndpoint = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{FreePort()}"),
            HttpEndpoint = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FreePort()}"),
        })];
        var silos = new List<SiloHost>();
        try
        {
            foreach (SiloPeerOptions peer in peers)
            {
                var silo = new SiloHost(
                    new SiloOptions
                    {
                        Id = peer.Id,
                        ClusterKey = DevCluster.Key,
                        TransportEndpoint = peer.TransportEndpoint,
                        HttpEndpoint = peer.HttpEndpoint,
                        DataDirectory = directory,
                        KeyValueGroups = 1,
                        AutoRebalance = false,
                        Silos = peers,
                    },
                    NullLoggerFactory.Instance)
                {
                    DevCluster = faults,
                    Testing = testing ?? new SiloTestingOptions(),
                };
                silos.Add(silo);
                await silo.StartAsync(CancellationToken.None);
            }
        }
        catch
        {
            await new InProcessCluster(directory, [.. silos]).DisposeAsync();
            throw;
        }

        return new InProcessCluster(directory, [.. silos]);
    }

    /// <summary>Every registered Raft replica snapshot of <paramref name="group"/>, over the three silos.</summary>
    public IEnumerable<RaftReplicaGauges> Replicas(string group) =>
        Silos.SelectMany(s => s.ReplicaMetrics!.RaftReplicas).Where(g => g.Group == group);

    /// <summary>The silo whose replica of <paramref name="group"/> leads, once exactly one does.</summary>
    public async Task<SiloHost> LeaderSiloAsync(string group)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            SiloHost[] leading = [.. Silos.Where(s => s.ReplicaMetrics!.RaftReplicas.Any(g => g.Group == group && g.IsLeader == 1))];
            if (leading.Length == 1)
            {
                return leading[0];
            }

            Assert.True(DateTime.UtcNow < deadline, $"group {group} has {leading.Length} leaders after 20 s");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The silo whose replica of <paramref name="group"/> leads once leadership has settled where
    /// the replica grains move it (the preferred voter: replica <c>number % 3 + 1</c> of a group
    /// named with a number, replica 1 otherwise). Until then a test could see one transfer more.
    /// </summary>
    public async Task<SiloHost> SettledLeaderSiloAsync(string group)
    {
        int digits = group.Length - group.Reverse().TakeWhile(char.IsAsciiDigit).Count();
        ulong number = digits < group.Length ? ulong.Parse(group[digits..], CultureInfo.InvariantCulture) : 0;
        ulong preferred = (number % 3) + 1;
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            SiloHost leader = await LeaderSiloAsync(group);
            if (leader.ReplicaMetrics!.RaftReplicas.Any(g => g.Group == group && g.IsLeader == 1 && g.Replica == preferred))
            {
                return leader;
            }

            Assert.True(DateTime.UtcNow < deadline, $"group {group}'s leadership did not settle on replica {preferred} in 30 s");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (SiloHost silo in Silos)
        {
            await silo.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a closing handle: the temporary directory is left behind.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
