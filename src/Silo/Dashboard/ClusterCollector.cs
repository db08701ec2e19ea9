using System.Net.Http.Json;
using Synod.Grains.StatusBoard;

namespace Synod.Silo.Dashboard;

/// <summary>
/// Polls every silo's <c>/dashboard/local</c> (this one's directly) and keeps what the dashboard
/// shows over time: the merged latency histogram per second, the cluster's recent events and each
/// group's recent commit indexes. Only the hub's loop calls it, one collection at a time.
/// </summary>
internal sealed class ClusterCollector(int self, Func<long, long, long, LocalReport> localReport, HttpClient http)
{
    /// <summary>Seconds of latency points an overview carries.</summary>
    public const int SeriesSeconds = 180;

    /// <summary>Events kept for the timelines.</summary>
    public const int MaxEvents = 4096;

    /// <summary>Collections of commit history kept per group.</summary>
    public const int CommitSamples = 60;

    private readonly Dictionary<int, (long Event, long Second, long Version)> _cursors = [];

    // Per silo, its replicas' snapshots so far: a report carries only those that changed.
    private readonly Dictionary<int, Dictionary<(string, ulong), ReplicaStatusSnapshot>> _replicas = [];
    private readonly Lock _commitsLock = new();
    private readonly SortedDictionary<long, long[]> _latency = [];
    private readonly List<ReplicaStatusEvent> _events = [];
    private readonly Dictionary<string, (long First, long[] Commits)> _commits = new(StringComparer.Ordinal);
    private readonly long[] _commitSeconds = new long[CommitSamples];
    private readonly HashSet<string> _changed = new(StringComparer.Ordinal);
    private bool _allChanged = true;
    private ReplicaStatusEvent[] _sortedEvents = [];
    private bool _eventsAdded;
    private long _commitSamples;

    /// <summary>
    /// The groups one of whose replicas sent a new snapshot in the last <see cref="PollAsync"/>, or
    /// null when every group must be looked at again (a silo went down, came back or resent all).
    /// </summary>
    public IReadOnlySet<string>? ChangedGroups => _allChanged ? null : _changed;

    public async Task<IReadOnlyList<SiloPoll>> PollAsync(IReadOnlyList<(int Silo, string HttpEndpoint)> silos, CancellationToken cancellationToken)
    {
        SiloPoll[] polls = await Task.WhenAll(silos.Select(s => PollOneAsync(s.Silo, s.HttpEndpoint, cancellationToken))).ConfigureAwait(false);
        _changed.Clear();
        _allChanged = false;
        for (int i = 0; i < polls.Length; i++)
        {
            SiloPoll poll = polls[i];
            (long lastEvent, long lastSecond, long _) = _cursors.GetValueOrDefault(poll.Silo);
            if (poll.Report is not { } report)
            {
                // Down: its next report starts from scratch (a restarted silo numbers its events anew).
                _cursors[poll.Silo] = (0, 0, 0);
                _allChanged |= _replicas.Remove(poll.Silo);
                continue;
            }

            Merge(poll.Silo, report);

            foreach (LatencySecond second in report.Latency.Where(l => l.Counts.Length == RequestLatencyRecorder.Buckets))
            {
                long[] merged = _latency.TryGetValue(second.Second, out long[]? known) ? known : _latency[second.Second] = new long[RequestLatencyRecorder.Buckets];
                for (int bucket = 0; bucket < merged.Length; bucket++)
                {
                    merged[bucket] += second.Counts[bucket];
                }
            }

            _events.AddRange(report.Events);
            _eventsAdded |= report.Events.Count > 0;
            // A replica count that differs from what is held means one was removed: ask for all again.
            long version = _replicas[poll.Silo].Count == report.ReplicaCount ? report.BoardVersion : 0;
            _cursors[poll.Silo] = (report.Events.Count > 0 ? report.Events[^1].Sequence : lastEvent, report.Latency.Count > 0 ? report.Latency[^1].Second : lastSecond, version);
        }

        Trim();
        return polls;
    }

    /// <summary>The latency points of the last <see cref="SeriesSeconds"/> complete seconds before <paramref name="nowSecond"/>.</summary>
    public IReadOnlyList<LatencyPoint> Series(long nowSecond)
    {
        var points = new List<LatencyPoint>(SeriesSeconds);
        for (long second = nowSecond - SeriesSeconds; second < nowSecond; second++)
        {
            if (_latency.TryGetValue(second, out long[]? counts))
            {
                points.Add(new LatencyPoint(second, counts.Sum(), Math.Round(RequestLatencyRecorder.QuantileMs(counts, 0.5), 3), Math.Round(RequestLatencyRecorder.QuantileMs(counts, 0.99), 3)));
            }
            else
            {
                points.Add(new LatencyPoint(second, 0, 0, 0));
            }
        }

        return points;
    }

    /// <summary>The cluster's recent events, oldest first (an immutable array, re-sorted only when events arrived).</summary>
    public IReadOnlyList<ReplicaStatusEvent> Events
    {
        get
        {
            if (_eventsAdded)
            {
                _sortedEvents = [.. _events.OrderBy(e => e.AtMs)];
                _eventsAdded = false;
            }

            return _sortedEvents;
        }
    }

    /// <summary>
    /// A replica's latest snapshot: the one from the silo it is placed on, or else from any silo
    /// that reported it (a replica that just moved).
    /// </summary>
    public ReplicaStatusSnapshot? Find(string group, ulong replica, int silo)
    {
        if (_replicas.TryGetValue(silo, out Dictionary<(string, ulong), ReplicaStatusSnapshot>? placed) && placed.TryGetValue((group, replica), out ReplicaStatusSnapshot? snapshot))
        {
            return snapshot;
        }

        foreach ((int other, Dictionary<(string, ulong), ReplicaStatusSnapshot> held) in _replicas)
        {
            if (other != silo && held.TryGetValue((group, replica), out snapshot))
            {
                return snapshot;
            }
        }

        return null;
    }

    /// <summary>Adds each group's leader commit index at <paramref name="second"/> (no allocation once a group is known).</summary>
    public void RecordCommits(IReadOnlyList<GroupView> groups, long second)
    {
        lock (_commitsLock)
        {
            long sample = _commitSamples++;
            _commitSeconds[sample % CommitSamples] = second;
            foreach (GroupView group in groups)
            {
                if (!_commits.TryGetValue(group.Group, out (long First, long[] Commits) ring))
                {
                    _commits[group.Group] = ring = (sample, new long[CommitSamples]);
                }

                ring.Commits[sample % CommitSamples] = (long)group.Commit;
            }
        }
    }

    /// <summary>A copy of one group's recent (second, commit) samples, oldest first.</summary>
    public IReadOnlyList<long[]> CommitHistory(string group)
    {
        lock (_commitsLock)
        {
            if (!_commits.TryGetValue(group, out (long First, long[] Commits) ring))
            {
                return [];
            }

            var samples = new List<long[]>(CommitSamples);
            for (long sample = Math.Max(ring.First, _commitSamples - CommitSamples); sample < _commitSamples; sample++)
            {
                samples.Add([_commitSeconds[sample % CommitSamples], ring.Commits[sample % CommitSamples]]);
            }

            return samples;
        }
    }

    private void Merge(int silo, LocalReport report)
    {
        if (!_replicas.TryGetValue(silo, out Dictionary<(string, ulong), ReplicaStatusSnapshot>? held) || _cursors.GetValueOrDefault(silo).Version == 0)
        {
            // A full report: what was held and is not in it is gone. (Its own snapshots mark their groups.)
            _allChanged |= held?.Count > 0;
            _replicas[silo] = held = [];
        }

        foreach (ReplicaStatusSnapshot snapshot in report.Replicas)
        {
            held[(snapshot.Group, snapshot.Replica)] = snapshot;
            _changed.Add(snapshot.Group);
        }
    }

    private async Task<SiloPoll> PollOneAsync(int silo, string endpoint, CancellationToken cancellationToken)
    {
        (long lastEvent, long lastSecond, long version) = _cursors.GetValueOrDefault(silo);
        if (silo == self)
        {
            return new SiloPoll(silo, endpoint, localReport(lastEvent, lastSecond, version), null);
        }

        try
        {
            Uri uri = new($"{endpoint.TrimEnd('/')}/dashboard/local?events={lastEvent}&latency={lastSecond}&version={version}");
            LocalReport? report = await http.GetFromJsonAsync(uri, DashboardJsonContext.Default.LocalReport, cancellationToken).ConfigureAwait(false);
            return new SiloPoll(silo, endpoint, report, report is null ? "empty answer" : null);
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            // The silo is down, slow or not a dashboard-capable silo: shown as down.
            return new SiloPoll(silo, endpoint, null, error.Message);
        }
    }

    private void Trim()
    {
        while (_latency.Count > RequestLatencyRecorder.Seconds)
        {
            _latency.Remove(_latency.Keys.First());
        }

        if (_events.Count > MaxEvents)
        {
            _events.Sort((a, b) => a.AtMs.CompareTo(b.AtMs));
            _events.RemoveRange(0, _events.Count - MaxEvents);
        }
    }
}
