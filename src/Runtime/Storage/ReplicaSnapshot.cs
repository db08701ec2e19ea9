namespace Synod.Runtime.Storage;

/// <summary>
/// A replica's latest snapshot: opaque state-machine bytes that cover every record up to and
/// including <paramref name="Index"/>. Saving one removes those records from the log.
/// </summary>
/// <param name="Index">Last log index the snapshot covers.</param>
/// <param name="Term">Term (or view) of the record at <paramref name="Index"/>.</param>
/// <param name="Data">The snapshot bytes, at most <see cref="ReplicaStoreOptions.MaxSnapshotBytes"/>.</param>
public sealed record ReplicaSnapshot(ulong Index, ulong Term, ReadOnlyMemory<byte> Data);
