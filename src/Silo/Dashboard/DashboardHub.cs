using System.Text.Json;
using Microsoft.Extensions.Logging;
using Synod.Grains.StatusBoard;
using Synod.Silo.Hosting;

namespace Synod.Silo.Dashboard;

/// <summary>
/// One silo's dashboard: it reports its own replicas (<see cref="Report"/>, for itself and for
/// peers' dashboards) and, while at least one event-stream client is connected, runs the
/// collection loop that polls every silo once a second and publishes a <see cref="ClusterSnapshot"/>.
/// With no client, the loop is not running and nothing is collected (issue 7).
/// </summary>
internal sealed class DashboardHub : IAsyncDisposable
{
    /// <summary>How long a poll from a peer's dashboard keeps this silo's replicas refreshing their snapshots.</summary>
    public static readonly TimeSpan PeerWatchLease = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly int _silo;
    private readonly ReplicaStatusBoard _board;
    private readonly RequestLatencyRecorder _latencies;
    private readonly LayoutHolder _layout;
    private readonly PbftGroupHosting _pbft;
    private readonly ILogger _logger;
    private readonly ProcessSampler _sampler = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMilliseconds(900) };
    private readonly ClusterCollector _collector;
    private readonly ClusterViewCache _views = new();
    private readonly SemaphoreSlim _collecting = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource<ClusterSnapshot> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ClusterSnapshot? _latest;
    private Task? _loop;
    private bool _running;
    private int _clients;
    private long _collections;
    private long _localReports;
    private long _tick;
    private long _collectionMicros;
    private long _localReportMicros;
    private long _buildMicros;
    private volatile int _groupsRebuilt;

    public DashboardHub(int silo, ReplicaStatusBoard board, RequestLatencyRecorder latencies, LayoutHolder layout, PbftGroupHosting pbft, DevClusterControl? devCluster, ILogger logger)
    {
        _silo = silo;
        _board = board;
        _latencies = latencies;
        _layout = layout;
        _pbft = pbft;
        DevCluster = devCluster;
        _logger = logger;
        _collector = new ClusterCollector(silo, ReportForSelf, _http);
    }

    /// <summary>This silo's id.</summary>
    public int Silo => _silo;

    /// <summary>The fault panel, in the dev cluster only.</summary>
    public DevClusterControl? DevCluster { get; }

    /// <summary>The latest collection, or null before the first.</summary>
    public ClusterSnapshot? Latest => _latest;

    public DashboardStats Stats() => new(
        Interlocked.Read(ref _collections), Interlocked.Read(ref _localReports), Volatile.Read(ref _clients), _running, _board.IsWatched,
        Interlocked.Read(ref _collectionMicros), Interlocked.Read(ref _localReportMicros), Interlocked.Read(ref _buildMicros), _groupsRebuilt);

    /// <summary>This silo's report for a peer's dashboard; the poll keeps this silo's replicas refreshing for a while.</summary>
    public LocalReport Report(long afterEvent, long afterSecond, long afterVersion)
    {
        long started = _board.Timestamp;
        _board.WatchFor(PeerWatchLease);
        Interlocked.Increment(ref _localReports);
        LocalReport report = BuildReport(afterEvent, afterSecond, afterVersion);
        Interlocked.Add(ref _localReportMicros, (long)TimeProvider.System.GetElapsedTime(started).TotalMicroseconds);
        return report;
    }

    /// <summary>Registers an event-stream client; the loop runs until the last one disposes its handle.</summary>
    public IDisposable Connect()
    {
        lock (_lock)
        {
            _clients++;
            if (!_running && !_stopping.IsCancellationRequested)
            {
                _running = true;
                Task? previous = _loop;
                _loop = Task.Run(() => RunAsync(previous), CancellationToken.None);
            }
        }

        return new Client(this);
    }

    /// <summary>The next collection after <paramref name="after"/> (the latest at once if it is newer).</summary>
    public Task<ClusterSnapshot> NextAsync(ClusterSnapshot? after, CancellationToken cancellationToken)
    {
        ClusterSnapshot? latest = _latest;
        if (latest is not null && !ReferenceEquals(latest, after))
        {
            return Task.FromResult(latest);
        }

        return _next.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The latest collection, or a fresh one when none is recent (an API call with no stream open).</summary>
    public async Task<ClusterSnapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        ClusterSnapshot? latest = _latest;
        if (latest is not null && _board.NowMs - latest.Overview.AtMs < 2 * Interval.TotalMilliseconds)
        {
            return latest;
        }

        return await CollectAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task? loop;
        lock (_lock)
        {
            loop = _loop;
        }

        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        _http.Dispose();
        _sampler.Dispose();
        _collecting.Dispose();
        _stopping.Dispose();
    }

    private async Task RunAsync(Task? previous)
    {
        if (previous is not null)
        {
            await previous.ConfigureAwait(false);
        }

        using IDisposable watching = _board.Watch();
        while (true)
        {
            lock (_lock)
            {
                if (_clients == 0 || _stopping.IsCancellationRequested)
                {
                    _running = false;
                    return;
                }
            }

            long started = _board.Timestamp;
            try
            {
                await CollectAsync(_stopping.Token).ConfigureAwait(false);
                TimeSpan rest = Interval - TimeProvider.System.GetElapsedTime(started);
                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest, _stopping.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                // The silo is stopping; the loop ends at its next check.
            }
        }
    }

    private async Task<ClusterSnapshot> CollectAsync(CancellationToken cancellationToken)
    {
        await _collecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        long started = _board.Timestamp;
        try
        {
            Interlocked.Increment(ref _collections);
            ClusterLayout layout = _layout.Current;
            (int, string)[] silos = [.. layout.Silos.Select(id => (id, layout.Silo(id)?.HttpEndpoint ?? ""))];
            IReadOnlyList<SiloPoll> polls = await _collector.PollAsync(silos, cancellationToken).ConfigureAwait(false);
            long built = _board.Timestamp;
            ClusterSnapshot snapshot = Build(polls, _views.Placements(layout, () => Placements(layout)));
            Interlocked.Add(ref _buildMicros, (long)TimeProvider.System.GetElapsedTime(built).TotalMicroseconds);
            _groupsRebuilt = _views.LastRebuilt;
            _latest = snapshot;
            TaskCompletionSource<ClusterSnapshot> next = Interlocked.Exchange(ref _next, new TaskCompletionSource<ClusterSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously));
            next.TrySetResult(snapshot);
            return snapshot;
        }
        finally
        {
            Interlocked.Add(ref _collectionMicros, (long)TimeProvider.System.GetElapsedTime(started).TotalMicroseconds);
            _collecting.Release();
        }
    }

    private ClusterSnapshot Build(IReadOnlyList<SiloPoll> polls, IReadOnlyList<PlacedGroup> placements)
    {
        long nowMs = _board.NowMs;
        long nowSecond = nowMs / 1000;
        IReadOnlyList<GroupView> groups = _views.Groups(placements, _collector.ChangedGroups, _collector.Find);
        IReadOnlyList<SiloView> silos = ClusterViewBuilder.Silos(polls, _views.ReplicasPerSilo, groups);
        IReadOnlyList<LatencyPoint> series = _collector.Series(nowSecond);
        ClusterTotals totals = ClusterViewBuilder.Totals(silos, groups, series.Count > 0 ? series[^1].Requests : 0);
        var overview = new DashboardOverview(_silo, nowMs, Interlocked.Increment(ref _tick), DevCluster is not null, silos, totals, series, DevCluster?.Describe() ?? []);
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(overview, DashboardJsonContext.Default.DashboardOverview);
        IReadOnlyList<ReplicaStatusEvent> events = _collector.Events;
        _collector.RecordCommits(groups, nowSecond);
        return new ClusterSnapshot(overview, json, groups, events, _collector.CommitHistory);
    }

    private List<PlacedGroup> Placements(ClusterLayout layout)
    {
        var placements = new List<PlacedGroup>();
        Grains.Interfaces.Wire.GroupPlacement[] raft = [layout.Group(ClusterLayout.MetaGroup), .. layout.Directory.Groups.Where(g => g.Protocol is "raft" or "")];
        foreach (Grains.Interfaces.Wire.GroupPlacement group in raft)
        {
            placements.Add(new PlacedGroup(group.Group, "raft", [.. group.Replicas.OrderBy(r => r.Replica).Select(r => (r.Replica, r.Silo))]));
        }

        foreach (string group in _pbft.Groups)
        {
            placements.Add(new PlacedGroup(group, "pbft", [.. _pbft.SilosOf(group).Select((silo, index) => ((ulong)index, silo))]));
        }

        return placements;
    }

    private LocalReport ReportForSelf(long afterEvent, long afterSecond, long afterVersion) => BuildReport(afterEvent, afterSecond, afterVersion);

    private LocalReport BuildReport(long afterEvent, long afterSecond, long afterVersion)
    {
        (double cpu, long workingSet, long heap) = _sampler.Sample();
        IReadOnlyList<ReplicaStatusSnapshot> replicas = _board.SnapshotsAfter(afterVersion, out long version);
        return new LocalReport(
            _silo, _board.NowMs, cpu, workingSet, heap, ThreadPool.ThreadCount, DevCluster is not null,
            replicas, version, _board.Count, _board.EventsAfter(afterEvent), _latencies.CompletedAfter(afterSecond));
    }

    private void Disconnect()
    {
        int clients;
        lock (_lock)
        {
            clients = --_clients;
        }

        DashboardLog.ClientLeft(_logger, _silo, clients);
    }

    private sealed class Client(DashboardHub hub) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                hub.Disconnect();
            }
        }
    }
}
