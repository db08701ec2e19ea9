using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Synod.Grains.Interfaces;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.Raft;
using Synod.Persistence.AdoNet;
using Synod.Runtime.Grains;
using Synod.Runtime.Transport;
using Google.Protobuf;
using Synod.Silo.Gateway;
using Synod.Silo.Telemetry;
using Synod.Grains.Telemetry;

namespace Synod.Silo.Hosting;

/// <summary>
/// One silo: its SQLite store, grain runtime, silo transport, the replicas placed on it, the
/// key-value gateway and the HTTP API. Stopping it deactivates every replica (a leader hands its
/// leadership off first), then closes the transport and flushes the store.
/// </summary>
public sealed class SiloHost : IAsyncDisposable
{
    private readonly SiloOptions _options;
    private readonly RaftReplicaOptions _raft;
    private readonly Synod.Grains.Pbft.PbftReplicaOptions _pbftOptions;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private AdoNetReplicaStore? _store;
    private SiloRuntime? _runtime;
    private SiloTransport? _transport;
    private GrainKeyValueGateway? _gateway;
    private WebApplication? _http;
    private LayoutHolder? _layout;
    private ClusterAdmin? _admin;
    private Task? _directory;
    private PbftGroupHosting? _pbft;
    private Task? _mover;
    private SiloRecord[] _configured = [];
    private readonly Lock _adoptLock = new();
    private readonly List<Task> _retiring = [];
    private readonly CancellationTokenSource _stopping = new();
    private ReplicaMetrics? _replicaMetrics;
    private GatewayMetrics? _gatewayMetrics;
    private readonly Grains.StatusBoard.ReplicaStatusBoard _board = new();
    private Dashboard.DashboardHub? _dashboard;

    /// <summary>The dev cluster's fault panel when this silo is one of its in-process silos; null otherwise (set before <see cref="StartAsync"/>).</summary>
    public Dashboard.DevClusterControl? DevCluster { get; set; }

    /// <summary>The fault-injection switches (section <c>Synod:Testing</c>); all off by default (set before <see cref="StartAsync"/>).</summary>
    public SiloTestingOptions Testing { get; init; } = new();

    // The test-only link cuts of Synod:Testing:FaultInjection (the dev cluster has its own panel).
    private Dashboard.LinkFaults? _testLinks;

    /// <summary>The options this silo's PBFT replicas run with (the fault panel switches their Byzantine mode); null before start.</summary>
    public Grains.Pbft.PbftReplicaOptions? PbftReplicaOptions => _pbft?.ReplicaOptions;

    /// <summary>Creates the silo; <see cref="StartAsync"/> opens it.</summary>
    /// <param name="options">The silo's options (configuration section <c>Synod:Silo</c>).</param>
    /// <param name="loggerFactory">Where the silo logs.</param>
    /// <param name="raft">The Raft replicas' settings (configuration section <c>Synod:Raft</c>); the defaults when null.</param>
    /// <param name="pbft">This silo's PBFT replicas' settings (configuration section <c>Synod:Pbft</c>, one instance per silo: the host sets its Byzantine mode); the defaults when null.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException"><paramref name="raft"/> or <paramref name="pbft"/> holds a value out of range.</exception>
    public SiloHost(SiloOptions options, ILoggerFactory loggerFactory, RaftReplicaOptions? raft = null, Synod.Grains.Pbft.PbftReplicaOptions? pbft = null)
    {
        _raft = raft ?? new RaftReplicaOptions();
        _pbftOptions = pbft ?? new Synod.Grains.Pbft.PbftReplicaOptions();
        System.ComponentModel.DataAnnotations.Validator.ValidateObject(_raft, new System.ComponentModel.DataAnnotations.ValidationContext(_raft), validateAllProperties: true);
        System.ComponentModel.DataAnnotations.Validator.ValidateObject(_pbftOptions, new System.ComponentModel.DataAnnotations.ValidationContext(_pbftOptions), validateAllProperties: true);
        _options = options;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<SiloHost>();
    }

    /// <summary>Where the silo serves its HTTP API.</summary>
    public string HttpEndpoint => _options.HttpEndpoint;

    /// <summary>The silo's id.</summary>
    public int Id => _options.Id;

    /// <summary>Key-value and lock calls this silo's gateway passed through another silo because it could not reach the leader's.</summary>
    public long RelayedCalls => _gateway?.RelayedCalls ?? 0;

    /// <summary>The replicas' telemetry snapshots on this silo (what its <c>Synod</c> instruments read); null until started.</summary>
    public ReplicaMetrics? ReplicaMetrics => _replicaMetrics;

    /// <summary>Opens storage, starts the transport and the runtime, activates this silo's replicas and serves HTTP.</summary>
    /// <exception cref="InvalidOperationException">The configuration is inconsistent, a port is in use, or the data file is held by another process.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        SiloPeerOptions[] silos = Silos();
        _configured = [.. silos.Select(Record)];
        _layout = new LayoutHolder(new ClusterLayout(ClusterLayout.Initial(_options.KeyValueGroups, _configured), _configured));
        _store = AdoNetReplicaStore.OpenSqlite(
            new SqliteReplicaStoreOptions { Path = Path.Combine(_options.DataDirectory, $"silo-{_options.Id}.db") }, _loggerFactory);
        await _store.Started.WaitAsync(cancellationToken).ConfigureAwait(false);

        if (Testing.FaultInjection)
        {
            SiloHostLog.FaultInjection(_logger, _options.Id);
            _testLinks = DevCluster is null ? new Dashboard.LinkFaults() : null;
        }

        if (Testing.UnsafeLocalReads)
        {
            SiloHostLog.UnsafeLocalReads(_logger, _options.Id);
        }

        if (Testing.NoGatewayRelay)
        {
            SiloHostLog.NoGatewayRelay(_logger, _options.Id);
        }

        var directory = new KeyValueGroupDirectory(_layout);
        RaftReplicaOptions raft = _raft;
        AdoNetReplicaStore store = _store;
        ReplicaMetrics metrics = _replicaMetrics = new ReplicaMetrics(_options.Id);
        var registry = new GrainTypeRegistry().Add(RaftReplicaKey.GrainType, _ => new RaftReplicaGrain(store, directory, raft, _loggerFactory.CreateLogger<RaftReplicaGrain>(), metrics: metrics, board: _board));
        _pbft = PbftHosting.Register(registry, [.. silos.Select(s => s.Id)], _layout, _options, _pbftOptions, store, _loggerFactory, metrics, _board);
        _runtime = new SiloRuntime(registry, new RuntimeOptions(), loggerFactory: _loggerFactory);
        _transport = new SiloTransport(
            new SiloEndpoint(new SiloId(_options.Id), ParseEndpoint(_options.TransportEndpoint)),
            silos.Where(s => s.Id != _options.Id).Select(s => new SiloEndpoint(new SiloId(s.Id), ParseEndpoint(s.TransportEndpoint))),
            new TransportOptions { ClusterName = _options.ClusterName, ClusterKey = _options.ClusterKey },
            (DevCluster?.LinksOf(_options.Id) ?? _testLinks)?.Wrap(_runtime.OnTransportMessageAsync) ?? _runtime.OnTransportMessageAsync,
            _loggerFactory);
        LayoutHolder layout = _layout;
        PbftGroupHosting pbft = _pbft;
        _runtime.AttachCluster(new SiloId(_options.Id), grain => pbft.Place(grain) ?? layout.Current.Place(grain), _transport);
        await StartOrExplainAsync(() => _transport.StartAsync(cancellationToken), _options.TransportEndpoint).ConfigureAwait(false);
        ActivateLocalReplicas(metaOnly: true);
        ActivateLocalPbftReplicas();

        _runtime.Start();

        _gateway = new GrainKeyValueGateway(_runtime, _layout, () => StatusAsync(CancellationToken.None), TimeSpan.FromSeconds(10))
        {
            IsPbftGroup = group => pbft.SilosOf(group).Count > 0,
            Self = _options.Id,
            Relay = Testing.NoGatewayRelay ? null : (grain, via) => _runtime.GetGrainVia(grain, new SiloId(via)),
            UnsafeLocalReadsSilo = Testing.UnsafeLocalReads ? _options.Id : null,
        };
        _admin = new ClusterAdmin(_gateway, _layout, _options.ClusterKey, Adopt, IsUp);
        _gatewayMetrics = new GatewayMetrics(_options.Id);
        _http = BuildHttp(new MeteredKeyValueGateway(_gateway, _gatewayMetrics), _admin);
        await StartOrExplainAsync(() => _http.StartAsync(cancellationToken), _options.HttpEndpoint).ConfigureAwait(false);

        // Not awaited here: the meta group needs a quorum of silos, which may start after this one.
        var sync = new DirectorySync(_gateway, _layout, Record(silos.First(s => s.Id == _options.Id)), _configured, _options.ClusterKey, Adopt, _logger);
        _directory = Task.Run(() => sync.RunAsync(_stopping.Token), CancellationToken.None);
        var mover = new ReplicaMover(_gateway, _layout, LeadsMeta, Adopt, _options.Id, _options.AutoRebalance, _logger);
        _mover = Task.Run(() => mover.RunAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>True once this silo routes by the meta group's directory.</summary>
    public bool UsesDirectory => _layout?.FromDirectory ?? false;

    /// <summary>
    /// Routes by <paramref name="directory"/> when it is newer than the one in force (the first
    /// one from the meta group always): joined silos become transport peers, replicas newly placed
    /// here are activated, and replicas no longer placed here are deactivated and their storage
    /// deleted (a move completed: the group no longer counts on them).
    /// </summary>
    private void Adopt(ClusterDirectory directory)
    {
        lock (_adoptLock)
        {
            LayoutHolder holder = _layout!;
            ClusterLayout old = holder.Current;
            if (holder.FromDirectory && directory.Version <= old.Directory.Version)
            {
                return;
            }

            var layout = new ClusterLayout(directory, _configured);
            foreach (int silo in layout.Silos.Where(s => s != _options.Id && !_transport!.IsPeer(new SiloId(s))))
            {
                _transport!.AddPeer(new SiloEndpoint(new SiloId(silo), ParseEndpoint(layout.Silo(silo)!.TransportEndpoint)));
            }

            holder.Current = layout;
            holder.FromDirectory = true;
            ActivateLocalReplicas(metaOnly: false);
            ActivateLocalPbftReplicas();
            GrainId[] gone = [.. LocalRaftReplicas(old).Except(LocalRaftReplicas(layout))];
            if (gone.Length > 0)
            {
                _retiring.Add(RetireAsync(gone));
            }
        }
    }

    private async Task RetireAsync(GrainId[] replicas)
    {
        foreach (GrainId replica in replicas)
        {
            await _runtime!.DeactivateAsync(replica).ConfigureAwait(false);
            await _store!.DeleteReplicaAsync(new Runtime.Storage.DurableReplicaId(replica.Key), CancellationToken.None).ConfigureAwait(false);
            SiloHostLog.ReplicaRetired(_logger, _options.Id, replica.Key);
        }
    }

    private IEnumerable<GrainId> LocalRaftReplicas(ClusterLayout layout) =>
        layout.Directory.Groups
            .Where(g => g.Protocol is "raft" or "")
            .SelectMany(g => g.Replicas.Where(r => r.Silo == _options.Id).Select(r => ClusterLayout.ReplicaGrain(g.Group, r.Replica)));

    private bool IsUp(int silo) =>
        silo == _options.Id || (_transport!.IsPeer(new SiloId(silo)) && _transport.GetPeerStatus(new SiloId(silo)).State == PeerState.Up);

    /// <summary>Whether this silo's meta replica leads the meta group (then its mover acts).</summary>
    private bool LeadsMeta()
    {
        ReplicaPlacement? local = _layout!.Current.Group(ClusterLayout.MetaGroup).Replicas.FirstOrDefault(r => r.Silo == _options.Id);
        return local is not null
            && _runtime!.GetOrActivate(ClusterLayout.ReplicaGrain(ClusterLayout.MetaGroup, local.Replica)) is RaftReplicaGrain { Status.Role: Consensus.Raft.RaftRole.Leader };
    }

    private SiloRecord Record(SiloPeerOptions silo)
    {
        var record = new SiloRecord { Id = silo.Id, TransportEndpoint = silo.TransportEndpoint, HttpEndpoint = silo.HttpEndpoint };
        record.Labels.Add(silo.Id == _options.Id ? _options.Labels : silo.Labels);
        return record;
    }

    /// <summary>The cluster as this silo sees it.</summary>
    public async Task<ClusterStatus> StatusAsync(CancellationToken cancellationToken)
    {
        SiloRuntime runtime = _runtime ?? throw new InvalidOperationException("The silo is not started.");
        ClusterLayout layout = _layout!.Current;
        var silos = layout.Silos.Select(id => new SiloStatus(
            id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            layout.Silo(id)!.HttpEndpoint,
            IsUp(id))).ToList();
        GroupPlacement[] placements = [layout.Group(ClusterLayout.MetaGroup), .. layout.Directory.Groups.Where(g => g.Protocol is "raft" or "")];

        // Every replica is asked at once (bounded), so a status of many groups costs one round
        // trip rather than one per replica.
        using var limit = new SemaphoreSlim(64);
        GroupStatus[] groups = await Task.WhenAll(placements.Select(async placement =>
        {
            ReplicaStatus[] replicas = await Task.WhenAll(placement.Replicas.OrderBy(r => r.Replica).Select(async r =>
            {
                await limit.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    return await ReplicaStatusAsync(runtime, placement.Group, r.Replica, r.Silo.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    limit.Release();
                }
            })).ConfigureAwait(false);
            return new GroupStatus(placement.Group, placement.Group == ClusterLayout.MetaGroup ? "raft (meta)" : "raft", replicas);
        })).ConfigureAwait(false);

        groups = [.. groups, .. await _pbft!.StatusAsync(runtime, cancellationToken).ConfigureAwait(false)];

        return new ClusterStatus(_options.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), silos, groups);
    }

    /// <summary>Stops serving HTTP, deactivates the replicas (leaders hand off), then closes the transport and the store.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (Task? loop in new[] { _directory, _mover })
        {
            if (loop is null)
            {
                continue;
            }

            try
            {
                await loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The loop stopped on the host's cancellation: nothing to undo.
            }
        }

        Task[] retiring;
        lock (_adoptLock)
        {
            retiring = [.. _retiring];
        }

        await Task.WhenAll(retiring).ConfigureAwait(false);

        if (_http is not null)
        {
            await _http.StopAsync().ConfigureAwait(false);
            await _http.DisposeAsync().ConfigureAwait(false);
        }

        if (_dashboard is not null)
        {
            await _dashboard.DisposeAsync().ConfigureAwait(false);
        }

        if (_runtime is not null)
        {
            await _runtime.DisposeAsync().ConfigureAwait(false);
        }

        if (_transport is not null)
        {
            await _transport.DisposeAsync().ConfigureAwait(false);
        }

        if (_store is not null)
        {
            await _store.DisposeAsync().ConfigureAwait(false);
        }

        _gateway?.Dispose();
        _gatewayMetrics?.Dispose();
        _replicaMetrics?.Dispose();
        _stopping.Dispose();
    }

    private static async Task<ReplicaStatus> ReplicaStatusAsync(SiloRuntime runtime, string group, ulong replica, string silo, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            ReplicaStatusReply reply = await runtime.GetGrain(ClusterLayout.ReplicaGrain(group, replica))
                .InvokeAsync<ReplicaStatusRequest, ReplicaStatusReply>(new ReplicaStatusRequest(), timeout.Token).ConfigureAwait(false);
            return new ReplicaStatus(replica, silo, reply.Faulted ? "Faulted" : reply.Role, reply.Term, reply.Leader, reply.Commit, reply.Applied, reply.Quiet);
        }
        catch (Exception error) when (error is GrainCallException or GrainUnavailableException or OperationCanceledException or ObjectDisposedException)
        {
            // The replica's silo is down or slow, or the replica cannot activate (yet): the status
            // says so instead of failing.
            return new ReplicaStatus(replica, silo, "Unreachable", 0, 0, 0, 0);
        }
    }

    private void ActivateLocalReplicas(bool metaOnly)
    {
        ClusterLayout layout = _layout!.Current;
        IEnumerable<GroupPlacement> groups = metaOnly
            ? [layout.Group(ClusterLayout.MetaGroup)]
            : [layout.Group(ClusterLayout.MetaGroup), .. layout.Directory.Groups.Where(g => g.Protocol is "raft" or "")];
        foreach (GroupPlacement group in groups)
        {
            foreach (ReplicaPlacement replica in group.Replicas.Where(r => r.Silo == _options.Id))
            {
                _runtime!.GetOrActivate(ClusterLayout.ReplicaGrain(group.Group, replica.Replica));
            }
        }
    }

    /// <summary>
    /// Activates this silo's replicas of the PBFT groups: <c>pbft-0</c> by configuration, the
    /// directory's by its placement (a PBFT group's replica set is fixed at creation, so none is
    /// ever retired).
    /// </summary>
    private void ActivateLocalPbftReplicas()
    {
        foreach (GrainId replica in _pbft!.LocalReplicas(_options.Id))
        {
            _runtime!.GetOrActivate(replica);
        }
    }

    private WebApplication BuildHttp(IKeyValueGateway gateway, ClusterAdmin admin)
    {
        // The silo reads no appsettings.json and watches no files: by default the builder would
        // watch its content root (the working directory, often above the data directory) and
        // take a file-system event for every SQLite write.
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(gateway);
        builder.Services.AddSingleton<ILockGateway>(new GrainLockGateway(_gateway!, _layout!));
        builder.Services.AddSingleton(admin);
        builder.WebHost.UseUrls(_options.HttpEndpoint);
        WebApplication app = builder.Build();
        PbftHosting.MapEndpoint(app, _pbft!, _options.Id, _runtime!);
        SiloHttp.Map(app, DirectoryJson);
        if (_testLinks is { } links)
        {
            MapTestingLinks(app, links);
        }

        _dashboard = new Dashboard.DashboardHub(_options.Id, _board, _gateway!.Latencies, _layout!, _pbft!, DevCluster, _logger);
        Dashboard.DashboardEndpoints.Map(app, _dashboard, _logger);
        return app;
    }

    /// <summary>
    /// <c>GET /v1/testing/links</c> lists the peers whose messages this silo drops; <c>POST
    /// /v1/testing/links?drop=2,3</c> replaces that set (<c>?drop=</c> heals every link). Mapped only
    /// with Synod:Testing:FaultInjection (otherwise the fallback answers 404).
    /// </summary>
    private void MapTestingLinks(WebApplication app, Dashboard.LinkFaults links)
    {
        app.MapGet("/v1/testing/links", () => Results.Text(string.Join(',', links.Cut.Order())));
        app.MapPost("/v1/testing/links", (string? drop) =>
        {
            var peers = new List<int>();
            foreach (string part in (drop ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int peer) || peer == _options.Id)
                {
                    return Results.BadRequest($"not a peer silo id: {part}");
                }

                peers.Add(peer);
            }

            links.SetAll(peers);
            string listed = string.Join(',', links.Cut.Order());
            SiloHostLog.LinksCut(_logger, _options.Id, listed);
            return Results.Text(listed);
        });
    }

    /// <summary>
    /// The body of <c>GET /v1/directory</c>: the slot map and, per group, the HTTP addresses of the
    /// silos of its replicas, the leader's first when this silo knows it — what a client needs to
    /// send each key straight to the silo that leads its group.
    /// </summary>
    private string DirectoryJson()
    {
        ClusterLayout layout = _layout!.Current;
        using var buffer = new MemoryStream();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("slots", layout.Directory.Slots);
            json.WriteBoolean("fromMetaGroup", _layout.FromDirectory);
            json.WriteStartArray("groups");
            foreach (string group in layout.Groups)
            {
                if (layout.Group(group).Protocol == "pbft")
                {
                    WritePbftGroup(json, layout, group);
                    continue;
                }

                ulong? leader = _gateway?.KnownLeader(group);
                json.WriteStartObject();
                json.WriteString("group", group);
                json.WriteString("protocol", "raft");
                json.WriteStartArray("gateways");
                foreach (ReplicaPlacement replica in layout.Group(group).Replicas.OrderBy(r => r.Replica == leader ? 0 : 1).ThenBy(r => r.Replica))
                {
                    json.WriteStringValue(layout.Silo(replica.Silo)?.HttpEndpoint ?? "");
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            // After the directory's groups, so the slot map's indexes still point at them.
            if (_pbft!.HasConfiguredGroup)
            {
                WritePbftGroup(json, layout, PbftGroupHosting.Group);
            }

            json.WriteEndArray();
            json.WriteStartArray("slotGroups");
            foreach (uint owner in layout.Directory.SlotGroups)
            {
                json.WriteNumberValue(owner);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// A PBFT group's entry in <c>GET /v1/directory</c>: protocol <c>pbft</c> and the HTTP address
    /// of each replica's silo in replica order (index i of the list is replica i), which is how a
    /// client addresses its MACs and finds the primary of a view.
    /// </summary>
    private void WritePbftGroup(System.Text.Json.Utf8JsonWriter json, ClusterLayout layout, string group)
    {
        json.WriteStartObject();
        json.WriteString("group", group);
        json.WriteString("protocol", "pbft");
        json.WriteStartArray("gateways");
        foreach (int silo in _pbft!.SilosOf(group))
        {
            json.WriteStringValue(layout.Silo(silo)?.HttpEndpoint ?? "");
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private SiloPeerOptions[] Silos()
    {
        SiloPeerOptions[] silos = [.. _options.Silos];
        if (silos.Length == 0)
        {
            silos = [new SiloPeerOptions { Id = _options.Id, TransportEndpoint = _options.TransportEndpoint, HttpEndpoint = _options.HttpEndpoint }];
        }

        if (!silos.Any(s => s.Id == _options.Id) || silos.Select(s => s.Id).Distinct().Count() != silos.Length || silos.Length < ClusterLayout.Replicas)
        {
            throw new InvalidOperationException($"Synod:Silo:Silos must list at least {ClusterLayout.Replicas} silos with distinct ids, this one ({_options.Id}) included.");
        }

        return silos;
    }

    private static async Task StartOrExplainAsync(Func<Task> start, string endpoint)
    {
        try
        {
            await start().ConfigureAwait(false);
        }
        catch (IOException inUse)
        {
            throw new InvalidOperationException($"Cannot listen on {endpoint}: {inUse.Message} (is another silo or program using the port?)", inUse);
        }
    }

    private static IPEndPoint ParseEndpoint(string endpoint) =>
        IPEndPoint.TryParse(endpoint, out IPEndPoint? parsed)
            ? parsed
            : throw new InvalidOperationException($"'{endpoint}' is not an address:port endpoint.");
}
