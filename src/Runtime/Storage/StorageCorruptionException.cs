namespace Synod.Runtime.Storage;

/// <summary>
/// A replica's stored state failed an integrity check when it was loaded: a record whose checksum
/// does not match, a gap in the log, a record the snapshot should have removed. The replica must
/// not start: serving from state it cannot trust could break safety for its whole group. Repair is
/// an operator's decision (remove the replica's state and let it catch up from its peers).
/// </summary>
public sealed class StorageCorruptionException : StorageException
{
    /// <summary>Creates the exception for <paramref name="replica"/> at <paramref name="index"/>.</summary>
    public StorageCorruptionException(DurableReplicaId replica, ulong? index, string problem)
        : base(Describe(replica, index, problem))
    {
        Replica = replica;
        Index = index;
        Problem = problem;
    }

    /// <summary>The replica whose state is corrupt.</summary>
    public DurableReplicaId Replica { get; }

    /// <summary>The log index of the bad record, or null when the metadata or snapshot is bad.</summary>
    public ulong? Index { get; }

    /// <summary>What is wrong, in words.</summary>
    public string Problem { get; }

    private static string Describe(DurableReplicaId replica, ulong? index, string problem) =>
        index is { } at
            ? $"Replica '{replica}' refuses to start: its stored log is corrupt at index {at}: {problem}."
            : $"Replica '{replica}' refuses to start: its stored state is corrupt: {problem}.";
}
