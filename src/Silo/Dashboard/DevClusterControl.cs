using System.Globalization;
using Synod.Grains.Pbft;
using Synod.Silo.Hosting;

namespace Synod.Silo.Dashboard;

/// <summary>
/// The dev cluster's fault panel (issue 7): stops and starts its in-process silos, cuts and heals
/// links between two of them (<see cref="LinkFaults"/> on both ends), and switches a silo's PBFT
/// replicas to a Byzantine mode while they run. Present only when the silos share this process.
/// </summary>
public sealed class DevClusterControl : IDisposable
{
    private readonly Func<SiloOptions, SiloHost> _create;
    private readonly Dictionary<int, SiloOptions> _options = [];
    private readonly Dictionary<int, SiloHost?> _hosts = [];
    private readonly Dictionary<int, LinkFaults> _links = [];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _lock = new();
    private readonly List<Task> _pending = [];

    /// <summary>Creates the panel; <paramref name="create"/> builds a (not yet started) silo from its options.</summary>
    public DevClusterControl(Func<SiloOptions, SiloHost> create) => _create = create;

    /// <summary>Builds a silo of the dev cluster and remembers it (and its options, to start it again).</summary>
    public SiloHost Create(SiloOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        SiloHost host = _create(options);
        host.DevCluster = this;
        lock (_lock)
        {
            _options[options.Id] = options;
            _hosts[options.Id] = host;
        }

        return host;
    }

    /// <summary>The transport fault hook of <paramref name="silo"/> (kept across its restarts).</summary>
    public LinkFaults LinksOf(int silo)
    {
        lock (_lock)
        {
            if (!_links.TryGetValue(silo, out LinkFaults? links))
            {
                _links[silo] = links = new LinkFaults();
            }

            return links;
        }
    }

    /// <summary>The faults in force, one line each, for the panel.</summary>
    public IReadOnlyList<string> Describe()
    {
        lock (_lock)
        {
            var lines = new List<string>();
            lines.AddRange(_hosts.Where(h => h.Value is null).OrderBy(h => h.Key).Select(h => string.Create(CultureInfo.InvariantCulture, $"silo {h.Key} stopped")));
            lines.AddRange(_links.OrderBy(l => l.Key).SelectMany(l => l.Value.Cut.Where(peer => peer > l.Key).Order().Select(peer => string.Create(CultureInfo.InvariantCulture, $"link {l.Key}-{peer} cut"))));
            lines.AddRange(_hosts.Where(h => h.Value?.PbftReplicaOptions is { Byzantine: not PbftByzantineMode.None }).OrderBy(h => h.Key)
                .Select(h => string.Create(CultureInfo.InvariantCulture, $"silo {h.Key} PBFT replicas Byzantine: {h.Value!.PbftReplicaOptions!.Byzantine}")));
            return lines;
        }
    }

    /// <summary>Applies a fault; returns why it cannot, or null once it is done (a stop completes in the background).</summary>
    public async Task<string?> ApplyAsync(FaultRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_lock)
            {
                if (!_options.ContainsKey(request.Silo))
                {
                    return string.Create(CultureInfo.InvariantCulture, $"no silo {request.Silo} in the dev cluster");
                }
            }

            return request.Action switch
            {
                "stop" => Stop(request.Silo),
                "start" => await StartAsync(request.Silo, cancellationToken).ConfigureAwait(false),
                "cut" or "heal" => Link(request.Silo, request.Peer, request.Action == "cut"),
                "byzantine" => Byzantine(request.Silo, request.Mode ?? "none"),
                _ => $"unknown action '{request.Action}' (stop, start, cut, heal, byzantine)",
            };
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Waits for stops in progress, then stops every running silo (the process is ending).</summary>
    public async Task StopAllAsync()
    {
        Task[] pending;
        SiloHost[] running;
        lock (_lock)
        {
            pending = [.. _pending];
            running = [.. _hosts.Values.Where(h => h is not null).Select(h => h!)];
            foreach (int id in _hosts.Keys.ToArray())
            {
                _hosts[id] = null;
            }
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
        foreach (SiloHost host in running)
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Releases the panel's lock (after <see cref="StopAllAsync"/>).</summary>
    public void Dispose() => _gate.Dispose();

    private string? Stop(int silo)
    {
        lock (_lock)
        {
            if (_hosts[silo] is not { } host)
            {
                return string.Create(CultureInfo.InvariantCulture, $"silo {silo} is already stopped");
            }

            _hosts[silo] = null;

            // In the background: the request asking for the stop may be served by this very silo,
            // whose HTTP server waits for its requests to finish before it stops.
            _pending.Add(Task.Run(async () => await host.DisposeAsync().ConfigureAwait(false), CancellationToken.None));
            return null;
        }
    }

    private async Task<string?> StartAsync(int silo, CancellationToken cancellationToken)
    {
        Task[] pending;
        SiloOptions options;
        lock (_lock)
        {
            if (_hosts[silo] is not null)
            {
                return string.Create(CultureInfo.InvariantCulture, $"silo {silo} is running");
            }

            pending = [.. _pending];
            options = _options[silo];
        }

        // A stop still in progress holds the silo's ports and data file.
        await Task.WhenAll(pending).ConfigureAwait(false);
        SiloHost host = Create(options);
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        return null;
    }

    private string? Link(int silo, int peer, bool cut)
    {
        lock (_lock)
        {
            if (peer == silo || !_options.ContainsKey(peer))
            {
                return string.Create(CultureInfo.InvariantCulture, $"a link needs two distinct silos of the dev cluster, not {silo} and {peer}");
            }
        }

        LinksOf(silo).Set(peer, cut);
        LinksOf(peer).Set(silo, cut);
        return null;
    }

    private string? Byzantine(int silo, string mode)
    {
        PbftByzantineMode parsed;
        try
        {
            parsed = PbftHosting.ParseByzantine(mode == "none" ? "" : mode);
        }
        catch (InvalidOperationException error)
        {
            return error.Message;
        }

        lock (_lock)
        {
            if (_hosts[silo]?.PbftReplicaOptions is not { } options)
            {
                return string.Create(CultureInfo.InvariantCulture, $"silo {silo} is stopped or hosts no PBFT replica");
            }

            options.Byzantine = parsed;
            return null;
        }
    }
}
