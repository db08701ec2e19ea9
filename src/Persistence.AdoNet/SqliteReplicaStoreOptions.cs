using System.ComponentModel.DataAnnotations;
using Synod.Runtime.Storage;

namespace Synod.Persistence.AdoNet;

/// <summary>The embedded SQLite store: one database file per silo (configuration section <c>Synod:Storage:Sqlite</c>).</summary>
public sealed class SqliteReplicaStoreOptions : ReplicaStoreOptions
{
    /// <summary>Path of the database file; its directory is created when missing. Default <c>data/synod.db</c>.</summary>
    [Required]
    public string Path { get; set; } = "data/synod.db";

    /// <summary>How commits reach the disk. <see cref="SqliteSynchronousMode.Full"/> unless you accept its risks.</summary>
    [EnumDataType(typeof(SqliteSynchronousMode))]
    public SqliteSynchronousMode Synchronous { get; set; } = SqliteSynchronousMode.Full;

    /// <summary>
    /// WAL pages after which SQLite copies the WAL into the database (a checkpoint, which also
    /// syncs). Larger values mean fewer checkpoints and a larger WAL file. Default 16,384 (64 MiB).
    /// </summary>
    [Range(100, 10_000_000)]
    public int WalAutoCheckpointPages { get; set; } = 16_384;

    /// <summary>Page cache size in KiB. Default 65,536 (64 MiB).</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int CacheSizeKiB { get; set; } = 65_536;

    /// <summary>
    /// Staging: a group commit appends small per-replica batches to a log-structured staging table
    /// (a few pages at its end however many replicas the group holds), and the store moves them into
    /// the per-replica log in bulk once this many records are staged — or earlier, before a
    /// truncation, compaction, load or deletion of a replica with staged records. Zero writes every
    /// record straight into the per-replica log (one dirty page per replica per commit). Default 4,096.
    /// </summary>
    [Range(0, 1_000_000)]
    public int StagedRecordsBeforeFlush { get; set; } = 4096;

    /// <summary>Staging: the payload bytes staged before the store moves them into the per-replica log. Default 4 MiB.</summary>
    [Range(1, 1024 * 1024 * 1024)]
    public int StagedBytesBeforeFlush { get; set; } = 4 * 1024 * 1024;
}
