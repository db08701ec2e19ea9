using System.Collections.Concurrent;

namespace Synod.Grains.StatusBoard;

/// <summary>
/// A silo's board of its replicas' latest <see cref="ReplicaStatusSnapshot"/>s and a bounded log
/// of their notable changes (<see cref="ReplicaStatusEvent"/>), for the dashboard.
/// </summary>
/// <remarks>
/// Cheap by construction (issue 7): a replica publishes only when its role, term, leader, quiet
/// state or configuration changed — rare events — unless the board is watched, and then at most
/// every <see cref="RefreshInterval"/>. Nobody watching means nothing is collected beyond those
/// changes. Readers take the immutable snapshots without calling any grain.
/// </remarks>
public sealed class ReplicaStatusBoard
{
    /// <summary>Most events kept; older ones are forgotten.</summary>
    public const int MaxEvents = 1024;

    /// <summary>How often a watched replica refreshes a snapshot that did not change in kind.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<string, (ReplicaStatusSnapshot Snapshot, long Version)> _replicas = new(StringComparer.Ordinal);
    private readonly Queue<ReplicaStatusEvent> _events = new();
    private readonly Lock _eventsLock = new();
    private readonly TimeProvider _time;
    private long _nextEvent = 1;
    private long _version;
    private int _watchers;
    private long _watchedUntil;

    /// <summary>Creates an empty board; <paramref name="time"/> (the system's by default) stamps snapshots and events.</summary>
    public ReplicaStatusBoard(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>Whether someone watches: a watcher is registered, or a lease from <see cref="WatchFor"/> has not run out.</summary>
    public bool IsWatched => Volatile.Read(ref _watchers) > 0 || _time.GetTimestamp() < Volatile.Read(ref _watchedUntil);

    /// <summary>Unix time now, in milliseconds.</summary>
    public long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A monotonic timestamp (see <see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long Timestamp => _time.GetTimestamp();

    /// <summary>Marks the board watched until the returned handle is disposed.</summary>
    public IDisposable Watch()
    {
        Interlocked.Increment(ref _watchers);
        return new Watcher(this);
    }

    /// <summary>Marks the board watched for <paramref name="lease"/> from now (a remote dashboard's poll).</summary>
    public void WatchFor(TimeSpan lease)
    {
        long until = _time.GetTimestamp() + (long)(lease.TotalSeconds * _time.TimestampFrequency);
        long seen;
        do
        {
            seen = Volatile.Read(ref _watchedUntil);
        }
        while (until > seen && Interlocked.CompareExchange(ref _watchedUntil, until, seen) != seen);
    }

    /// <summary>Whether a watched replica that published at <paramref name="lastTimestamp"/> should publish again.</summary>
    public bool IsDue(long lastTimestamp) =>
        IsWatched && _time.GetElapsedTime(lastTimestamp) >= RefreshInterval;

    /// <summary>Replaces a replica's snapshot.</summary>
    public void Publish(string replicaKey, ReplicaStatusSnapshot snapshot) => _replicas[replicaKey] = (snapshot, Interlocked.Increment(ref _version));

    /// <summary>Forgets a replica (deactivated).</summary>
    public void Remove(string replicaKey)
    {
        if (_replicas.TryRemove(replicaKey, out _))
        {
            Interlocked.Increment(ref _version);
        }
    }

    /// <summary>Replicas on the board now.</summary>
    public int Count => _replicas.Count;

    /// <summary>Every replica's latest snapshot, ordered by group then replica.</summary>
    public IReadOnlyList<ReplicaStatusSnapshot> Snapshots() => SnapshotsAfter(0, out _);

    /// <summary>
    /// The snapshots published after board version <paramref name="version"/> (all for 0), ordered by
    /// group then replica; <paramref name="current"/> is the version to ask from next time.
    /// </summary>
    public IReadOnlyList<ReplicaStatusSnapshot> SnapshotsAfter(long version, out long current)
    {
        current = Interlocked.Read(ref _version);
        return [.. _replicas.Values.Where(v => v.Version > version).Select(v => v.Snapshot).OrderBy(s => s.Group, StringComparer.Ordinal).ThenBy(s => s.Replica)];
    }

    /// <summary>Logs an event.</summary>
    public void Record(string group, ulong replica, string kind, ulong term, string detail)
    {
        lock (_eventsLock)
        {
            _events.Enqueue(new ReplicaStatusEvent(_nextEvent++, NowMs, group, replica, kind, term, detail));
            while (_events.Count > MaxEvents)
            {
                _events.Dequeue();
            }
        }
    }

    /// <summary>The events after <paramref name="sequence"/>, oldest first.</summary>
    public IReadOnlyList<ReplicaStatusEvent> EventsAfter(long sequence)
    {
        lock (_eventsLock)
        {
            return [.. _events.Where(e => e.Sequence > sequence)];
        }
    }

    private sealed class Watcher(ReplicaStatusBoard board) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref board._watchers);
            }
        }
    }
}
