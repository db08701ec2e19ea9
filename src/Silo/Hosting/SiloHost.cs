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

namespace Synod.Silo.Hosting;

/// <summary>
/// One silo: its SQLite store, grain runtime, silo transport, the replicas placed on it, the
/// key-value gateway and the HTTP API. Stopping it deactivates every replica (a leader hands its
/// leadership off first), then closes the transport and flushes the store.
/// </summary>
public sealed class SiloHost : IAsyncDisposable
{
    private readonly SiloOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private AdoNetReplicaStore? _store;
    private SiloRuntime? _runtime;
    private SiloTransport? _transport;
    private GrainKeyValueGateway? _gateway;
    private WebApplication? _http;
    private LayoutHolder? _layout;
    private Task? _directory;
    private PbftGroupHosting? _pbft;
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Creates the silo; <see cref="StartAsync"/> opens it.</summary>
    public SiloHost(SiloOptions options, ILoggerFactory loggerFactory)
    {
        _options = options;
        _loggerFactory = loggerFactory;
    }

    /// <summary>Where the silo serves its HTTP API.</summary>
    public string HttpEndpoint => _options.HttpEndpoint;

    /// <summary>The silo's id.</summary>
    public int Id => _options.Id;

    /// <summary>Opens storage, starts the transport and the runtime, activates this silo's replicas and serves HTTP.</summary>
    /// <exception cref="InvalidOperationException">The configuration is inconsistent, a port is in use, or the data file is held by another process.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        SiloPeerOptions[] silos = Silos();
        int[] siloIds = [.. silos.Select(s => s.Id)];
        _layout = new LayoutHolder(new ClusterLayout(ClusterLayout.Initial(_options.KeyValueGroups, siloIds), siloIds));
        _store = AdoNetReplicaStore.OpenSqlite(
            new SqliteReplicaStoreOptions { Path = Path.Combine(_options.DataDirectory, $"silo-{_options.Id}.db") }, _loggerFactory);
        await _store.Started.WaitAsync(cancellationToken).ConfigureAwait(false);

        var directory = new KeyValueGroupDirectory(_layout);
        var raft = new RaftReplicaOptions();
        AdoNetReplicaStore store = _store;
        var registry = new GrainTypeRegistry().Add(RaftReplicaKey.GrainType, _ => new RaftReplicaGrain(store, directory, raft, _loggerFactory.CreateLogger<RaftReplicaGrain>()));
        _pbft = PbftHosting.Register(registry, siloIds, _options, store, _loggerFactory);
        _runtime = new SiloRuntime(registry, new RuntimeOptions(), loggerFactory: _loggerFactory);
        _transport = new SiloTransport(
            new SiloEndpoint(new SiloId(_options.Id), ParseEndpoint(_options.TransportEndpoint)),
            silos.Where(s => s.Id != _options.Id).Select(s => new SiloEndpoint(new SiloId(s.Id), ParseEndpoint(s.TransportEndpoint))),
            new TransportOptions { ClusterName = _options.ClusterName, ClusterKey = _options.ClusterKey },
            _runtime.OnTransportMessageAsync,
            _loggerFactory);
        LayoutHolder layout = _layout;
        PbftGroupHosting? pbft = _pbft;
        _runtime.AttachCluster(new SiloId(_options.Id), grain => pbft?.Place(grain) ?? layout.Current.Place(grain), _transport);
        await StartOrExplainAsync(() => _transport.StartAsync(cancellationToken), _options.TransportEndpoint).ConfigureAwait(false);
        ActivateLocalReplicas(metaOnly: true);
        if (_pbft?.LocalReplica(_options.Id) is { } pbftReplica)
        {
            _runtime.GetOrActivate(pbftReplica);
        }

        _runtime.Start();

        _gateway = new GrainKeyValueGateway(_runtime, _layout, () => StatusAsync(CancellationToken.None), TimeSpan.FromSeconds(10));
        _http = BuildHttp(_gateway);
        await StartOrExplainAsync(() => _http.StartAsync(cancellationToken), _options.HttpEndpoint).ConfigureAwait(false);

        // Not awaited here: the meta group needs a quorum of silos, which may start after this one.
        _directory = Task.Run(() => AdoptDirectoryAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>True once this silo routes by the meta group's directory.</summary>
    public bool UsesDirectory => _layout?.FromDirectory ?? false;

    /// <summary>
    /// Reads the cluster directory from the meta group, bootstrapping it with this silo's
    /// configured layout when the cluster is new (the first bootstrap in the log wins), then routes
    /// by it and activates the replicas it places here.
    /// </summary>
    private async Task AdoptDirectoryAsync(CancellationToken cancellationToken)
    {
        LayoutHolder layout = _layout!;
        byte[] bootstrap = new DirectoryCommand { Bootstrap = layout.Current.Directory }.ToByteArray();
        while (!cancellationToken.IsCancellationRequested)
        {
            ReplicaAnswer? answer = await _gateway!.ReadGroupAsync(ClusterLayout.MetaGroup, [], cancellationToken).ConfigureAwait(false);
            ClusterDirectory? directory = answer is { Status: ReplicaAnswer.Types.Status.Ok } ? DirectoryResult.Parser.ParseFrom(answer.Result).Directory : null;
            if (answer is { Status: ReplicaAnswer.Types.Status.Ok } && directory is null)
            {
                ReplicaAnswer? proposed = await _gateway.ProposeAsync(ClusterLayout.MetaGroup, bootstrap, cancellationToken).ConfigureAwait(false);
                directory = proposed is { Status: ReplicaAnswer.Types.Status.Ok } ? DirectoryResult.Parser.ParseFrom(proposed.Result).Directory : null;
            }

            if (directory is not null)
            {
                layout.Current = new ClusterLayout(directory, layout.Current.Silos);
                layout.FromDirectory = true;
                ActivateLocalReplicas(metaOnly: false);
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The cluster as this silo sees it.</summary>
    public async Task<ClusterStatus> StatusAsync(CancellationToken cancellationToken)
    {
        SiloRuntime runtime = _runtime ?? throw new InvalidOperationException("The silo is not started.");
        ClusterLayout layout = _layout!.Current;
        var silos = Silos().Select(s => new SiloStatus(
            s.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            s.HttpEndpoint,
            s.Id == _options.Id || _transport!.GetPeerStatus(new SiloId(s.Id)).State == PeerState.Up)).ToList();
        var groups = new List<GroupStatus>();
        foreach (string group in layout.Groups.Prepend(ClusterLayout.MetaGroup))
        {
            var replicas = new List<ReplicaStatus>();
            for (ulong replica = 1; replica <= ClusterLayout.Replicas; replica++)
            {
                string silo = layout.SiloOf(group, new Consensus.Raft.ReplicaId(replica)).ToString();
                ReplicaStatus status = await ReplicaStatusAsync(runtime, group, replica, silo, cancellationToken).ConfigureAwait(false);
                replicas.Add(status);
            }

            groups.Add(new GroupStatus(group, group == ClusterLayout.MetaGroup ? "raft (meta)" : "raft", replicas));
        }

        if (_pbft is not null)
        {
            groups.Add(await _pbft.StatusAsync(runtime, cancellationToken).ConfigureAwait(false));
        }

        return new ClusterStatus(_options.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), silos, groups);
    }

    /// <summary>Stops serving HTTP, deactivates the replicas (leaders hand off), then closes the transport and the store.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_directory is not null)
        {
            try
            {
                await _directory.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped before the directory was read: nothing to undo.
            }
        }

        if (_http is not null)
        {
            await _http.StopAsync().ConfigureAwait(false);
            await _http.DisposeAsync().ConfigureAwait(false);
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
            return new ReplicaStatus(replica, silo, reply.Faulted ? "Faulted" : reply.Role, reply.Term, reply.Leader, reply.Commit, reply.Applied);
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
        foreach (string group in metaOnly ? [ClusterLayout.MetaGroup] : layout.Groups.Prepend(ClusterLayout.MetaGroup))
        {
            for (ulong replica = 1; replica <= ClusterLayout.Replicas; replica++)
            {
                GrainId grain = ClusterLayout.ReplicaGrain(group, replica);
                if (layout.Place(grain).Value == _options.Id)
                {
                    _runtime!.GetOrActivate(grain);
                }
            }
        }
    }

    private WebApplication BuildHttp(IKeyValueGateway gateway)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(gateway);
        builder.WebHost.UseUrls(_options.HttpEndpoint);
        WebApplication app = builder.Build();
        PbftHosting.MapEndpoint(app, _pbft, _options.Id, _runtime!);
        SiloHttp.Map(app, DirectoryJson);
        return app;
    }

    /// <summary>
    /// The body of <c>GET /v1/directory</c>: the slot map and, per group, the HTTP addresses of the
    /// silos of its replicas, the leader's first when this silo knows it — what a client needs to
    /// send each key straight to the silo that leads its group.
    /// </summary>
    private string DirectoryJson()
    {
        ClusterLayout layout = _layout!.Current;
        Dictionary<int, string> http = Silos().ToDictionary(s => s.Id, s => s.HttpEndpoint);
        using var buffer = new MemoryStream();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("slots", layout.Directory.Slots);
            json.WriteBoolean("fromMetaGroup", _layout.FromDirectory);
            json.WriteStartArray("groups");
            foreach (string group in layout.Groups)
            {
                ulong? leader = _gateway?.KnownLeader(group);
                json.WriteStartObject();
                json.WriteString("group", group);
                json.WriteStartArray("gateways");
                IEnumerable<ulong> order = Enumerable.Range(1, ClusterLayout.Replicas).Select(r => (ulong)r).OrderBy(r => r == leader ? 0 : 1);
                foreach (ulong replica in order)
                {
                    json.WriteStringValue(http[layout.SiloOf(group, new Consensus.Raft.ReplicaId(replica)).Value]);
                }

                json.WriteEndArray();
                json.WriteEndObject();
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
