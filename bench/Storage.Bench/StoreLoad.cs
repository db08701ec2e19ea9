using System.Diagnostics;
using Synod.Persistence.AdoNet;
using Synod.Runtime.Storage;

namespace Synod.Storage.Bench;

/// <summary>What one load run measured.</summary>
internal sealed record StoreLoadResult(
    string Provider, int Replicas, int RecordsPerBatch, int RecordBytes, double Seconds,
    double RecordsPerSecond, double BatchesPerSecond, double CommitsPerSecond, double P50Ms, double P99Ms, double DiskBytesPerRecord = double.NaN)
{
    public double RecordsPerCommit => RecordsPerSecond / CommitsPerSecond;
}

/// <summary>
/// Closed-loop load: every replica has one writer that submits a batch of
/// <c>recordsPerBatch</c> records and waits until it is durable, then the next — as a Raft
/// replica does with each Ready. Warm-up first, then the measured window.
/// </summary>
internal static class StoreLoad
{
    public static async Task<StoreLoadResult> RunAsync(
        Func<AdoNetReplicaStore> open, string provider, int replicas, int recordsPerBatch, int recordBytes,
        TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using AdoNetReplicaStore store = open();
        await store.Started;
        var ids = new DurableReplicaId[replicas];
        var next = new ulong[replicas];
        for (int r = 0; r < replicas; r++)
        {
            ids[r] = new DurableReplicaId($"bench-{r}");
            ReplicaDurableState state = await store.OpenReplicaAsync(ids[r], cancellationToken);
            next[r] = state.LastIndex + 1;
        }

        byte[] payload = new byte[recordBytes];
        Random.Shared.NextBytes(payload);
        var measuring = new StrongBox<bool>();
        var stop = new StrongBox<bool>();
        var latencies = new List<double>[replicas];
        var writers = new Task[replicas];
        for (int r = 0; r < replicas; r++)
        {
            int replica = r;
            latencies[r] = new List<double>(4096);
            writers[r] = Task.Run(() => WriteLoopAsync(store, ids[replica], next[replica], recordsPerBatch, payload, latencies[replica], measuring, stop), cancellationToken);
        }

        await Task.Delay(warmup, cancellationToken);
        ReplicaStoreStatistics before = store.Statistics;
        long diskBefore = DiskWriteBytes();
        measuring.Value = true;
        var clock = Stopwatch.StartNew();
        await Task.Delay(duration, cancellationToken);
        ReplicaStoreStatistics after = store.Statistics;
        long diskAfter = DiskWriteBytes();
        double seconds = clock.Elapsed.TotalSeconds;
        measuring.Value = false;
        stop.Value = true;
        await Task.WhenAll(writers);

        double[] all = latencies.SelectMany(l => l).Order().ToArray();
        return new StoreLoadResult(
            provider, replicas, recordsPerBatch, recordBytes, seconds,
            (after.Records - before.Records) / seconds,
            (after.Batches - before.Batches) / seconds,
            (after.Commits - before.Commits) / seconds,
            Percentile(all, 0.50),
            Percentile(all, 0.99),
            diskBefore < 0 ? double.NaN : (diskAfter - diskBefore) / (double)Math.Max(1, after.Records - before.Records));
    }

    /// <summary>Bytes this process has caused to be written to storage (Linux /proc/self/io), or -1 elsewhere.</summary>
    private static long DiskWriteBytes()
    {
        const string Key = "write_bytes:";
        if (!File.Exists("/proc/self/io"))
        {
            return -1;
        }

        foreach (string line in File.ReadLines("/proc/self/io"))
        {
            if (line.StartsWith(Key, StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(Key.Length).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    private static async Task WriteLoopAsync(
        AdoNetReplicaStore store, DurableReplicaId replica, ulong nextIndex, int recordsPerBatch, byte[] payload,
        List<double> latencies, StrongBox<bool> measuring, StrongBox<bool> stop)
    {
        var records = new LogRecord[recordsPerBatch];
        byte[] metadata = new byte[24];
        while (!Volatile.Read(ref stop.Value))
        {
            for (int i = 0; i < recordsPerBatch; i++)
            {
                records[i] = new LogRecord(nextIndex + (ulong)i, 1, 1, payload);
            }

            nextIndex += (ulong)recordsPerBatch;
            BitConverter.TryWriteBytes(metadata, nextIndex);
            long start = Stopwatch.GetTimestamp();
            await store.WriteAsync(new ReplicaWriteBatch { Replica = replica, Records = records.ToArray(), Metadata = metadata.ToArray() });
            if (Volatile.Read(ref measuring.Value))
            {
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }
    }

    private static double Percentile(double[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(quantile * sorted.Length))];

    private sealed class StrongBox<T>
    {
        public T Value = default!;
    }
}
