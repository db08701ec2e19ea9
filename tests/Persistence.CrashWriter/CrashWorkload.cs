using System.Buffers.Binary;
using Synod.Runtime.Storage;

namespace Synod.Persistence.CrashWriter;

/// <summary>
/// The crash tests' workload. Batch number v + 1 of replica r is a pure function of (seed, r, v)
/// and the replica's model state after v batches, and every payload is a pure function of
/// (r, index, term), so anyone holding the seed can tell exactly what a store must contain once
/// it says, through the metadata record, that v batches are durable.
/// </summary>
/// <remarks>
/// The mix follows a Raft follower's life: mostly appends, sometimes a conflicting suffix
/// rewritten in a higher term, a snapshot that compacts the log, a snapshot installed past the
/// end of the log (or over a conflicting log, with the suffix truncated), a hard-state-only write.
/// </remarks>
internal static class CrashWorkload
{
    /// <summary>Every batch's metadata is the replica's version after it: 8 bytes, little-endian.</summary>
    public const int MetadataBytes = sizeof(ulong);

    private const ulong BatchTag = 1;
    private const ulong RecordTag = 2;
    private const ulong SnapshotTag = 3;
    private const int MaxAppend = 20;

    /// <summary>The store name of replica <paramref name="replica"/> of a crash run.</summary>
    public static DurableReplicaId ReplicaName(int replica) => new($"crash/{replica:D3}");

    public static byte[] VersionMetadata(ulong version)
    {
        var bytes = new byte[MetadataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, version);
        return bytes;
    }

    /// <summary>Reads the durable version from the metadata: 0 when none was ever saved, false when it is malformed.</summary>
    public static bool TryReadVersion(ReplicaDurableState state, out ulong version)
    {
        ArgumentNullException.ThrowIfNull(state);
        version = 0;
        if (state.Metadata is not { } metadata)
        {
            return true;
        }

        if (metadata.Length != MetadataBytes)
        {
            return false;
        }

        version = BinaryPrimitives.ReadUInt64LittleEndian(metadata.Span);
        return version > 0;
    }

    /// <summary>The record of <paramref name="replica"/> at (index, term): kind and 16–300 payload bytes.</summary>
    public static LogRecord Record(int replica, ulong index, ulong term)
    {
        SplitMix64 random = SplitMix64.For(RecordTag, (ulong)replica, index, term);
        byte kind = (byte)random.Below(4);
        var payload = new byte[random.Between(16, 300)];
        random.Fill(payload);
        return new LogRecord(index, term, kind, payload);
    }

    /// <summary>The snapshot of <paramref name="replica"/> covering (index, term): 16–1,024 bytes.</summary>
    public static ReplicaSnapshot Snapshot(int replica, ulong index, ulong term)
    {
        SplitMix64 random = SplitMix64.For(SnapshotTag, (ulong)replica, index, term);
        var data = new byte[random.Between(16, 1024)];
        random.Fill(data);
        return new ReplicaSnapshot(index, term, data);
    }

    /// <summary>The batch that takes <paramref name="model"/> from its version v to v + 1.</summary>
    public static ReplicaWriteBatch NextBatch(ReplicaModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ulong version = model.Version + 1;
        SplitMix64 random = SplitMix64.For(BatchTag, model.Seed, (ulong)model.Replica, version);
        bool hasLog = model.Records.Count > 0;
        int roll = random.Below(100);
        (ReplicaSnapshot? snapshot, ulong? truncateFrom, IReadOnlyList<LogRecord> records) = roll switch
        {
            < 5 => SnapshotPastEnd(model, random),
            < 15 when hasLog => Compaction(model, random),
            < 20 when hasLog => ConflictingSnapshot(model, random),
            < 35 when hasLog => Rewrite(model, random),
            < 38 => (null, null, []),
            _ => Append(model, random),
        };
        return new ReplicaWriteBatch
        {
            Replica = model.Name,
            Snapshot = snapshot,
            TruncateFrom = truncateFrom,
            Records = records,
            Metadata = VersionMetadata(version),
        };
    }

    // A leader's snapshot beyond everything this replica has: the whole log goes.
    private static (ReplicaSnapshot?, ulong?, IReadOnlyList<LogRecord>) SnapshotPastEnd(ReplicaModel model, SplitMix64 random)
    {
        ulong term = model.Term + 1;
        ulong index = model.LastIndex + (ulong)random.Between(1, 10);
        IReadOnlyList<LogRecord> after = random.Below(2) == 0 ? [] : Records(model.Replica, index + 1, random.Between(1, 5), term);
        return (Snapshot(model.Replica, index, term), null, after);
    }

    // The replica's own snapshot of a prefix of its log, taken at a record's term.
    private static (ReplicaSnapshot?, ulong?, IReadOnlyList<LogRecord>) Compaction(ReplicaModel model, SplitMix64 random)
    {
        LogRecord covered = model.Records[random.Below(model.Records.Count)];
        IReadOnlyList<LogRecord> appended = random.Below(2) == 0 ? [] : Records(model.Replica, model.LastIndex + 1, random.Between(1, MaxAppend), model.Term);
        return (Snapshot(model.Replica, covered.Index, covered.Term), null, appended);
    }

    // A leader's snapshot that lands inside the log but disagrees with it: the suffix is dropped too.
    private static (ReplicaSnapshot?, ulong?, IReadOnlyList<LogRecord>) ConflictingSnapshot(ReplicaModel model, SplitMix64 random)
    {
        ulong term = model.Term + 1;
        ulong index = model.Records[random.Below(model.Records.Count)].Index;
        IReadOnlyList<LogRecord> after = random.Below(2) == 0 ? [] : Records(model.Replica, index + 1, random.Between(1, 5), term);
        return (Snapshot(model.Replica, index, term), index + 1, after);
    }

    // A new leader overwrites an uncommitted-looking suffix (at most the last ten records).
    private static (ReplicaSnapshot?, ulong?, IReadOnlyList<LogRecord>) Rewrite(ReplicaModel model, SplitMix64 random)
    {
        ulong term = model.Term + 1;
        int keep = Math.Max(0, model.Records.Count - random.Between(1, 10));
        ulong from = model.Records[keep].Index;
        return (null, from, Records(model.Replica, from, random.Between(1, MaxAppend), term));
    }

    private static (ReplicaSnapshot?, ulong?, IReadOnlyList<LogRecord>) Append(ReplicaModel model, SplitMix64 random)
    {
        ulong term = random.Below(20) == 0 ? model.Term + 1 : Math.Max(model.Term, 1);
        return (null, null, Records(model.Replica, model.LastIndex + 1, random.Between(1, MaxAppend), term));
    }

    private static List<LogRecord> Records(int replica, ulong first, int count, ulong term)
    {
        var records = new List<LogRecord>(count);
        for (int i = 0; i < count; i++)
        {
            records.Add(Record(replica, first + (ulong)i, term));
        }

        return records;
    }
}
