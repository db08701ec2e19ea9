using System.ComponentModel.DataAnnotations;

namespace Synod.Runtime.Storage;

/// <summary>Limits and group-commit settings shared by every store provider.</summary>
public class ReplicaStoreOptions
{
    /// <summary>Largest payload of one log record, in bytes. Default 4 MiB (a 1 MiB key-value command fits with room).</summary>
    [Range(1, 64 * 1024 * 1024)]
    public int MaxRecordBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest metadata record, in bytes. Default 1 MiB (PBFT keeps prepared certificates there).</summary>
    [Range(1, 64 * 1024 * 1024)]
    public int MaxMetadataBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest snapshot, in bytes. Default 1,000,000,000 (SQLite's largest blob).</summary>
    [Range(1, 1_000_000_000)]
    public int MaxSnapshotBytes { get; set; } = 1_000_000_000;

    /// <summary>Largest number of records in one replica batch. Default 10,000.</summary>
    [Range(1, 1_000_000)]
    public int MaxRecordsPerBatch { get; set; } = 10_000;

    /// <summary>
    /// Group commit: a transaction takes queued batches until it holds this many records.
    /// Default 20,000.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxGroupCommitRecords { get; set; } = 20_000;

    /// <summary>Group commit: a transaction takes queued batches until it holds this many payload bytes. Default 16 MiB.</summary>
    [Range(1, int.MaxValue)]
    public int MaxGroupCommitBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Group commit: how long the writer may wait for more batches after the first one before it
    /// commits. Zero (the default) commits at once; batches that arrive while a commit is in
    /// progress form the next group, so batching grows with load without adding latency.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan MaxGroupCommitDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How long opening the store waits for another holder of its lock to let go — for example a
    /// PostgreSQL session of a silo process that was just killed, which the server notices only
    /// after a moment. A holder still there after this is reported as a second silo using the
    /// same store. Default 15 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan LockWaitTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Requests that may wait for the writer; further writers wait for room. Default 100,000.</summary>
    [Range(1, 10_000_000)]
    public int MaxQueuedRequests { get; set; } = 100_000;
}
