using System.Diagnostics;
using System.Diagnostics.Metrics;
using Synod.Runtime.Storage;

namespace Synod.Persistence.AdoNet;

/// <summary>
/// The store's instruments on the <c>Synod</c> meter, and the same counts as plain fields for
/// <see cref="IReplicaStore.Statistics"/>.
/// </summary>
internal sealed class StorageMetrics : IDisposable
{
    public const string MeterName = "Synod";

    /// <summary>The span name of one group commit (one transaction, one sync).</summary>
    public const string CommitSpan = "synod.storage.commit";

    /// <summary>The store's <c>Synod</c> activity source (the name is the contract; see README, Telemetry).</summary>
    public static readonly ActivitySource Source = new(MeterName);

    private readonly Meter? _ownedMeter;
    private readonly KeyValuePair<string, object?> _provider;
    private readonly Counter<long> _commits;
    private readonly Counter<long> _batches;
    private readonly Counter<long> _records;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _corruptions;
    private readonly Histogram<double> _commitDuration;
    private readonly Histogram<double> _writeDuration;
    private readonly Histogram<int> _groupSize;
    private readonly Histogram<int> _groupRecords;
    private long _commitCount;
    private long _batchCount;
    private long _recordCount;
    private long _byteCount;
    private long _rejectedCount;
    private long _corruptionCount;

    public StorageMetrics(IMeterFactory? meterFactory, string provider)
    {
        Meter meter;
        if (meterFactory is null)
        {
            _ownedMeter = new Meter(MeterName);
            meter = _ownedMeter;
        }
        else
        {
            meter = meterFactory.Create(MeterName);
        }

        _provider = new KeyValuePair<string, object?>("provider", provider);
        _commits = meter.CreateCounter<long>("synod.storage.commits", "{commit}", "Transactions committed (each one sync to disk)");
        _batches = meter.CreateCounter<long>("synod.storage.batches", "{batch}", "Replica batches made durable");
        _records = meter.CreateCounter<long>("synod.storage.records", "{record}", "Log records appended");
        _bytes = meter.CreateCounter<long>("synod.storage.bytes", "By", "Payload bytes written");
        _rejected = meter.CreateCounter<long>("synod.storage.rejected", "{batch}", "Batches refused as bad input");
        _corruptions = meter.CreateCounter<long>("synod.storage.corruptions", "{replica}", "Replicas refused at open because their stored state failed a check");
        _commitDuration = meter.CreateHistogram<double>("synod.storage.commit.duration", "ms", "Time to write and sync one group commit");
        _writeDuration = meter.CreateHistogram<double>("synod.storage.write.duration", "ms", "Time from a batch's submission until it is durable");
        _groupSize = meter.CreateHistogram<int>("synod.storage.commit.batches", "{batch}", "Replica batches per group commit");
        _groupRecords = meter.CreateHistogram<int>("synod.storage.commit.records", "{record}", "Log records per group commit");
    }

    public ReplicaStoreStatistics Snapshot() => new(
        Interlocked.Read(ref _commitCount),
        Interlocked.Read(ref _batchCount),
        Interlocked.Read(ref _recordCount),
        Interlocked.Read(ref _byteCount),
        Interlocked.Read(ref _rejectedCount),
        Interlocked.Read(ref _corruptionCount));

    public void Committed(int batches, int records, long bytes, long startTimestamp)
    {
        Interlocked.Increment(ref _commitCount);
        Interlocked.Add(ref _batchCount, batches);
        Interlocked.Add(ref _recordCount, records);
        Interlocked.Add(ref _byteCount, bytes);
        _commits.Add(1, _provider);
        _batches.Add(batches, _provider);
        _records.Add(records, _provider);
        _bytes.Add(bytes, _provider);
        _groupSize.Record(batches, _provider);
        _groupRecords.Record(records, _provider);
        _commitDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds, _provider);
    }

    public void WriteCompleted(long enqueuedTimestamp, long now)
    {
        if (_writeDuration.Enabled)
        {
            _writeDuration.Record(Stopwatch.GetElapsedTime(enqueuedTimestamp, now).TotalMilliseconds, _provider);
        }
    }

    public void Rejected(StorageRejection reason)
    {
        Interlocked.Increment(ref _rejectedCount);
        _rejected.Add(1, _provider, new KeyValuePair<string, object?>("reason", reason.ToString()));
    }

    public void Corrupt()
    {
        Interlocked.Increment(ref _corruptionCount);
        _corruptions.Add(1, _provider);
    }

    public void Dispose() => _ownedMeter?.Dispose();
}
