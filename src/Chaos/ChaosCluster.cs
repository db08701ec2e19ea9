using System.Globalization;
using Synod.Client;

namespace Synod.Chaos;

/// <summary>The silo processes of a chaos run and the faults that can be done to them.</summary>
internal sealed class ChaosCluster : IAsyncDisposable
{
    private const string ClusterKey = "chaos-test-cluster-key-0123456789";
    private readonly SiloProcess?[] _silos;
    private readonly ClusterPorts _ports;
    private readonly string _data;
    private readonly SiloLaunchOptions _launch;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(3) };
    private readonly string _byzantine;
    private readonly int _byzantineSilo;

    public ChaosCluster(ChaosOptions options, string dataDirectory)
    {
        Count = options.Silos;
        _silos = new SiloProcess?[options.Silos + 1];
        _ports = options.BasePort == 0 ? new ClusterPorts() : new ClusterPorts(options.BasePort);
        _data = dataDirectory;
        _byzantine = options.Byzantine;
        _byzantineSilo = options.ByzantineSilo;
        _launch = new SiloLaunchOptions
        {
            FaultInjection = true,
            UnsafeLocalReads = options.UnsafeLocalReads,
            NoGatewayRelay = options.NoGatewayRelay,
            SiloAssembly = options.SiloAssembly ?? new SiloLaunchOptions().SiloAssembly,
        };
    }

    public int Count { get; }

    public IEnumerable<int> Ids => Enumerable.Range(1, Count);

    public Uri Gateway(int silo) => new(_ports.Http(silo));

    private string PbftKeyFile => Path.Combine(_data, "pbft-keys.json");

    public async Task StartAllAsync(CancellationToken cancellationToken)
    {
        // With four silos the first one to start creates the PBFT key file the others must read:
        // on the first start, silo 1 alone, then the rest.
        if (Count >= 4 && !File.Exists(PbftKeyFile) && _silos[1] is null)
        {
            await StartAsync(1, cancellationToken).ConfigureAwait(false);
        }

        await Task.WhenAll(Ids.Where(id => _silos[id] is null).Select(id => StartAsync(id, cancellationToken))).ConfigureAwait(false);
    }

    public async Task StartAsync(int id, CancellationToken cancellationToken) =>
        _silos[id] = await SiloProcess.StartAsync(id, _ports, _data, ClusterKey, keyValueGroups: 1, silos: Count, byzantine: id == _byzantineSilo ? _byzantine : "", launch: _launch, cancellationToken: cancellationToken).ConfigureAwait(false);

    /// <summary>The PBFT client secret from the key file the first silo created (empty before it exists or without PBFT).</summary>
    public byte[] PbftClientSecret()
    {
        if (Count < 4 || !File.Exists(PbftKeyFile))
        {
            return [];
        }

        using var keys = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(PbftKeyFile));
        return keys.RootElement.GetProperty("clientSecret").GetBytesFromBase64();
    }

    /// <summary>pbft-0's replicas as silo <paramref name="silo"/> reports them: role (with a Byzantine mode), view and last executed sequence number.</summary>
    public async Task<string> PbftGroupStatusAsync(int silo, CancellationToken cancellationToken) =>
        Describe(await PbftReplicasAsync(silo, cancellationToken).ConfigureAwait(false));

    /// <summary>pbft-0's replicas as silo <paramref name="silo"/> reports them, in replica order; empty when the status has no pbft-0.</summary>
    public async Task<IReadOnlyList<SynodReplicaStatus>> PbftReplicasAsync(int silo, CancellationToken cancellationToken)
    {
        using var client = new SynodClient(_http, new SynodClientOptions { Gateways = { Gateway(silo) }, RouteByDirectory = false, MaxAttempts = 2, RequestTimeout = TimeSpan.FromSeconds(2.9) });
        SynodClusterStatus status = await client.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        SynodGroupStatus? group = status.Groups.FirstOrDefault(g => g.Group == "pbft-0");
        return group is null ? [] : [.. group.Replicas.OrderBy(r => r.Replica)];
    }

    /// <summary>Replicas as the chaos report prints them.</summary>
    public static string Describe(IReadOnlyList<SynodReplicaStatus> replicas) =>
        replicas.Count == 0 ? "pbft-0 not in the status" : string.Join("; ", replicas.Select(r =>
            string.Create(CultureInfo.InvariantCulture, $"replica {r.Replica} on silo {r.Silo}: {r.Role}, view {r.Term}, executed {r.AppliedIndex}")));

    /// <summary>The silo of pbft-0's primary, as a reachable silo reports it; null when none knows.</summary>
    public async Task<int?> PrimaryOfPbftGroupAsync(CancellationToken cancellationToken)
    {
        foreach (int id in Ids.Where(i => _silos[i] is { Paused: false }))
        {
            using var client = new SynodClient(_http, new SynodClientOptions { Gateways = { Gateway(id) }, RouteByDirectory = false, MaxAttempts = 1, RequestTimeout = TimeSpan.FromSeconds(2.9) });
            try
            {
                SynodClusterStatus status = await client.GetStatusAsync(cancellationToken).ConfigureAwait(false);
                SynodReplicaStatus? primary = status.Groups.FirstOrDefault(g => g.Group == "pbft-0")?.Replicas.FirstOrDefault(r => r.Role.StartsWith("Primary", StringComparison.Ordinal));
                if (primary is not null && int.TryParse(primary.Silo, NumberStyles.None, CultureInfo.InvariantCulture, out int silo))
                {
                    return silo;
                }
            }
            catch (SynodException)
            {
                // That silo did not answer; ask the next.
            }
        }

        return null;
    }

    /// <summary>SIGKILL (disposing a running silo process kills it).</summary>
    public async Task KillAsync(int id)
    {
        if (_silos[id] is { } silo)
        {
            _silos[id] = null;
            await silo.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Pause(int id) => _silos[id]?.Pause();

    public void Resume(int id) => _silos[id]?.Resume();

    /// <summary>Makes silo <paramref name="id"/> drop the messages of <paramref name="peers"/> (empty: heal).</summary>
    public async Task DropFromAsync(int id, IEnumerable<int> peers, CancellationToken cancellationToken)
    {
        string drop = string.Join(',', peers.Select(p => p.ToString(CultureInfo.InvariantCulture)));
        using HttpResponseMessage response = await _http.PostAsync(new Uri(Gateway(id), $"/v1/testing/links?drop={drop}"), null, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Heals every link, resumes paused silos and starts stopped ones.</summary>
    public async Task HealAsync(CancellationToken cancellationToken)
    {
        foreach (int id in Ids)
        {
            if (_silos[id] is { Paused: true } paused)
            {
                paused.Resume();
            }

            if (_silos[id] is { HasExited: true })
            {
                await KillAsync(id).ConfigureAwait(false);
            }
        }

        await StartAllAsync(cancellationToken).ConfigureAwait(false);
        foreach (int id in Ids)
        {
            await DropFromAsync(id, [], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The silo whose replica leads the key-value group (kv-0), as a reachable silo reports it; null when none knows.</summary>
    public async Task<int?> LeaderOfKeyValueGroupAsync(CancellationToken cancellationToken)
    {
        foreach (int id in Ids.Where(i => _silos[i] is { Paused: false }))
        {
            using var client = new SynodClient(_http, new SynodClientOptions { Gateways = { Gateway(id) }, RouteByDirectory = false, MaxAttempts = 1, RequestTimeout = TimeSpan.FromSeconds(2) });
            try
            {
                SynodClusterStatus status = await client.GetStatusAsync(cancellationToken).ConfigureAwait(false);
                SynodReplicaStatus? leader = status.Groups.FirstOrDefault(g => g.Group == "kv-0")?.Replicas.FirstOrDefault(r => r.Role == "Leader");
                if (leader is not null && int.TryParse(leader.Silo, NumberStyles.None, CultureInfo.InvariantCulture, out int silo))
                {
                    return silo;
                }
            }
            catch (SynodException)
            {
                // That silo did not answer; ask the next.
            }
        }

        return null;
    }

    /// <summary>Silo <paramref name="silo"/>'s own replica of kv-0 as its status reports it; null when the silo does not answer.</summary>
    public async Task<SynodReplicaStatus?> LocalKeyValueReplicaAsync(int silo, CancellationToken cancellationToken)
    {
        // The status asks every replica (2 s each at most for one it cannot reach); the local one always answers.
        using var client = new SynodClient(_http, new SynodClientOptions { Gateways = { Gateway(silo) }, RouteByDirectory = false, MaxAttempts = 1, RequestTimeout = TimeSpan.FromSeconds(2.9) });
        try
        {
            SynodClusterStatus status = await client.GetStatusAsync(cancellationToken).ConfigureAwait(false);
            string name = silo.ToString(CultureInfo.InvariantCulture);
            return status.Groups.FirstOrDefault(g => g.Group == "kv-0")?.Replicas.FirstOrDefault(r => r.Silo == name);
        }
        catch (SynodException)
        {
            // Not answering is what the caller records.
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (SiloProcess? silo in _silos)
        {
            if (silo is not null)
            {
                await silo.DisposeAsync().ConfigureAwait(false);
            }
        }

        _http.Dispose();
    }
}
