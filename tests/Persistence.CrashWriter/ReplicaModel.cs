using Synod.Runtime.Storage;

namespace Synod.Persistence.CrashWriter;

/// <summary>
/// What a store must hold for one replica of a crash run after a number of batches: the
/// contract of <see cref="ReplicaWriteBatch"/> (snapshot, truncate, append, metadata, in that
/// order) applied to plain lists. The durable state a store loads must equal this model at the
/// version its metadata names — nothing missing, nothing partial, nothing extra.
/// </summary>
internal sealed class ReplicaModel
{
    // Invariant: the records are contiguous, start after the snapshot's index and Version counts
    // the batches applied; Term is the highest term any applied batch carried.
    private readonly List<LogRecord> _records = [];

    public ReplicaModel(ulong seed, int replica)
    {
        Seed = seed;
        Replica = replica;
        Name = CrashWorkload.ReplicaName(replica);
    }

    public ulong Seed { get; }

    public int Replica { get; }

    public DurableReplicaId Name { get; }

    /// <summary>Batches applied so far; the metadata of the last one says this number.</summary>
    public ulong Version { get; private set; }

    public ulong Term { get; private set; }

    public ReplicaSnapshot? Snapshot { get; private set; }

    public IReadOnlyList<LogRecord> Records => _records;

    public ulong LastIndex => _records.Count > 0 ? _records[^1].Index : Snapshot?.Index ?? 0;

    /// <summary>The model of <paramref name="replica"/> after <paramref name="version"/> batches, replayed from nothing.</summary>
    public static ReplicaModel At(ulong seed, int replica, ulong version)
    {
        var model = new ReplicaModel(seed, replica);
        while (model.Version < version)
        {
            model.Apply(model.NextBatch());
        }

        return model;
    }

    public ReplicaWriteBatch NextBatch() => CrashWorkload.NextBatch(this);

    /// <summary>Applies a batch with the store's semantics; throws when the workload broke the contract itself.</summary>
    public void Apply(ReplicaWriteBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Snapshot is { } snapshot)
        {
            Require(snapshot.Index > (Snapshot?.Index ?? 0), "a snapshot must be newer than the stored one");
            Snapshot = snapshot;
            _records.RemoveAll(r => r.Index <= snapshot.Index);
            Term = Math.Max(Term, snapshot.Term);
        }

        if (batch.TruncateFrom is { } from)
        {
            Require(from > (Snapshot?.Index ?? 0) && from <= LastIndex + 1, "a truncation must stay between the snapshot and the end of the log");
            _records.RemoveAll(r => r.Index >= from);
        }

        foreach (LogRecord record in batch.Records)
        {
            Require(record.Index == LastIndex + 1, "records must follow the log's last index");
            _records.Add(record);
            Term = Math.Max(Term, record.Term);
        }

        Version++;
        Require(batch.Metadata is { } metadata && metadata.Span.SequenceEqual(CrashWorkload.VersionMetadata(Version)), "a batch's metadata must be its version");
    }

    /// <summary>Says how <paramref name="state"/> differs from this model, or null when it is exactly the model.</summary>
    public string? DifferenceFrom(ReplicaDurableState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        byte[]? metadata = Version == 0 ? null : CrashWorkload.VersionMetadata(Version);
        if (!SameBytes(state.Metadata, metadata))
        {
            return $"metadata is {Describe(state.Metadata)}, expected {Describe(metadata)}";
        }

        if (DifferenceInSnapshot(state.Snapshot) is { } snapshotDifference)
        {
            return snapshotDifference;
        }

        int common = Math.Min(state.Records.Count, _records.Count);
        for (int i = 0; i < common; i++)
        {
            LogRecord actual = state.Records[i];
            LogRecord expected = _records[i];
            if (actual.Index != expected.Index || actual.Term != expected.Term || actual.Kind != expected.Kind || !actual.Payload.Span.SequenceEqual(expected.Payload.Span))
            {
                return $"record #{i} is {Describe(actual)}, expected {Describe(expected)}";
            }
        }

        return state.Records.Count == _records.Count
            ? null
            : $"the log holds {state.Records.Count} records ({Range(state.Records)}), expected {_records.Count} ({Range(_records)})";
    }

    private string? DifferenceInSnapshot(ReplicaSnapshot? actual)
    {
        if (actual is null && Snapshot is null)
        {
            return null;
        }

        if (actual is null || Snapshot is null || actual.Index != Snapshot.Index || actual.Term != Snapshot.Term || !actual.Data.Span.SequenceEqual(Snapshot.Data.Span))
        {
            return $"snapshot is {Describe(actual)}, expected {Describe(Snapshot)}";
        }

        return null;
    }

    private void Require(bool condition, string rule)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"The crash workload broke its own contract for replica {Replica} at version {Version + 1}: {rule}.");
        }
    }

    private static bool SameBytes(ReadOnlyMemory<byte>? actual, byte[]? expected) =>
        actual is { } bytes ? expected is not null && bytes.Span.SequenceEqual(expected) : expected is null;

    private static string Describe(ReadOnlyMemory<byte>? bytes) =>
        bytes is { } value ? $"[{Convert.ToHexString(value.Span)}]" : "absent";

    private static string Describe(ReplicaSnapshot? snapshot) =>
        snapshot is null ? "absent" : $"(index {snapshot.Index}, term {snapshot.Term}, {snapshot.Data.Length} bytes)";

    private static string Describe(LogRecord record) =>
        $"(index {record.Index}, term {record.Term}, kind {record.Kind}, {record.Payload.Length} bytes)";

    private static string Range(IReadOnlyList<LogRecord> records) =>
        records.Count == 0 ? "none" : $"{records[0].Index}..{records[^1].Index}";
}
