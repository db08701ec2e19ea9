using System.Diagnostics;

namespace Synod.Runtime.Storage;

/// <summary>
/// Everything one replica asks to make durable at once. A store applies the parts in this order,
/// atomically: save <see cref="Snapshot"/> (dropping the records it covers), delete the records
/// from <see cref="TruncateFrom"/> on, append <see cref="Records"/>, replace <see cref="Metadata"/>.
/// </summary>
/// <remarks>
/// Raft maps a <c>Ready</c> to one batch: an installed snapshot, a conflicting suffix to drop, the
/// new entries and the hard state (term, vote, commit). A follower that installs a snapshot which
/// does not match its log sets <see cref="TruncateFrom"/> to the snapshot's index + 1.
/// </remarks>
public sealed class ReplicaWriteBatch
{
    /// <summary>The replica the batch belongs to; it must have been opened in this store.</summary>
    public required DurableReplicaId Replica { get; init; }

    /// <summary>A newer snapshot to keep, or null. Records at or below its index are removed.</summary>
    public ReplicaSnapshot? Snapshot { get; init; }

    /// <summary>
    /// Delete every record at or above this index before appending, or null. It must be above the
    /// snapshot's index (a compacted prefix cannot be rewritten) and at most one past the last record.
    /// </summary>
    public ulong? TruncateFrom { get; init; }

    /// <summary>Records to append: contiguous, the first one right after the log's last index.</summary>
    public IReadOnlyList<LogRecord> Records { get; init; } = [];

    /// <summary>The replica's new metadata record (term, vote, commit hint…), or null to keep it.</summary>
    public ReadOnlyMemory<byte>? Metadata { get; init; }

    /// <summary>
    /// The span of the recorded request this batch persists (a sampled proposal), or default: the
    /// store links its group commit's span to it, so a trace shows the fsync that made it durable.
    /// </summary>
    public ActivityContext TraceContext { get; init; }

    /// <summary>Total payload bytes in the batch, used for bounds.</summary>
    public long PayloadBytes
    {
        get
        {
            long bytes = Snapshot?.Data.Length ?? 0;
            bytes += Metadata?.Length ?? 0;
            foreach (LogRecord record in Records)
            {
                bytes += record.Payload.Length;
            }

            return bytes;
        }
    }
}
