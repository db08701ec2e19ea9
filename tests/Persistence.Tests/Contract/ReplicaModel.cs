using Synod.Runtime.Storage;

namespace Synod.Persistence.Tests.Contract;

/// <summary>
/// The contract of <see cref="ReplicaWriteBatch"/> applied to plain lists: what a replica's durable
/// state must be after a sequence of accepted batches. Tests compare every reload against it.
/// </summary>
internal sealed class ReplicaModel(DurableReplicaId replica)
{
    private readonly List<LogRecord> _records = [];

    public DurableReplicaId Replica { get; } = replica;

    public byte[]? Metadata { get; private set; }

    public ReplicaSnapshot? Snapshot { get; private set; }

    public IReadOnlyList<LogRecord> Records => _records;

    public ulong LastIndex => _records.Count > 0 ? _records[^1].Index : Snapshot?.Index ?? 0;

    /// <summary>Applies a batch the store accepted: snapshot, truncation, append, metadata, in that order.</summary>
    public void Apply(ReplicaWriteBatch batch)
    {
        if (batch.Snapshot is { } snapshot)
        {
            Snapshot = new ReplicaSnapshot(snapshot.Index, snapshot.Term, snapshot.Data.ToArray());
            _records.RemoveAll(r => r.Index <= snapshot.Index);
        }

        if (batch.TruncateFrom is { } from)
        {
            _records.RemoveAll(r => r.Index >= from);
        }

        foreach (LogRecord record in batch.Records)
        {
            // A guard on the tests themselves: they only feed the model batches that fit the log.
            Assert.Equal(LastIndex + 1, record.Index);
            _records.Add(record with { Payload = record.Payload.ToArray() });
        }

        if (batch.Metadata is { } metadata)
        {
            Metadata = metadata.ToArray();
        }
    }

    /// <summary>Asserts that a loaded state holds exactly this model: every byte, term, kind and index.</summary>
    public void AssertLoaded(ReplicaDurableState state)
    {
        Assert.Equal(Replica, state.Replica);
        Assert.Equal(Metadata is null, state.Metadata is null);
        if (Metadata is not null)
        {
            Assert.Equal(Metadata, state.Metadata!.Value.ToArray());
        }

        Assert.Equal(Snapshot is null, state.Snapshot is null);
        if (Snapshot is not null)
        {
            Assert.Equal(Snapshot.Index, state.Snapshot!.Index);
            Assert.Equal(Snapshot.Term, state.Snapshot.Term);
            Assert.Equal(Snapshot.Data.ToArray(), state.Snapshot.Data.ToArray());
        }

        Assert.Equal(Describe(_records), Describe(state.Records));
        for (int i = 0; i < _records.Count; i++)
        {
            Assert.Equal(_records[i].Payload.ToArray(), state.Records[i].Payload.ToArray());
        }

        Assert.Equal(LastIndex, state.LastIndex);
    }

    /// <summary>Index, term, kind and length of each record: a readable diff when a log differs.</summary>
    private static string[] Describe(IReadOnlyList<LogRecord> records) =>
        [.. records.Select(r => $"{r.Index}@{r.Term} kind {r.Kind}, {r.Payload.Length} bytes")];
}
