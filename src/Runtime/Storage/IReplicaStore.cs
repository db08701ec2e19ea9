namespace Synod.Runtime.Storage;

/// <summary>
/// Durable storage shared by every replica of a silo (thousands per store). Writes are batches
/// that complete only once they are durable; a store commits the batches of many replicas
/// together (group commit), so one fsync serves them all.
/// </summary>
/// <remarks>
/// A replica is single-threaded: it opens itself once, then submits batches in order; it may
/// submit the next batch before the previous one completes, and a store keeps that order.
/// </remarks>
public interface IReplicaStore : IAsyncDisposable
{
    /// <summary>Counters of what the store has done since it opened.</summary>
    ReplicaStoreStatistics Statistics { get; }

    /// <summary>
    /// Loads the replica's durable state, registering the replica if it is new, and makes it
    /// writable in this store.
    /// </summary>
    /// <exception cref="StorageCorruptionException">
    /// A stored record fails its checksum or the log has a gap; the replica must not start.
    /// </exception>
    ValueTask<ReplicaDurableState> OpenReplicaAsync(DurableReplicaId replica, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes <paramref name="batch"/> durable. Completes after the transaction holding it has been
    /// committed and synced. The store copies the list of records when the call is made; the bytes
    /// of payloads, metadata and snapshot belong to the store until the write completes.
    /// Cancelling only abandons waiting for room in the store's queue: once queued, a batch is
    /// written whether or not the caller still waits.
    /// </summary>
    /// <remarks>
    /// A refused or abandoned batch fences its replica: every later write of the replica fails with
    /// <see cref="StorageRejection.Fenced"/> until <see cref="OpenReplicaAsync"/> is called again, so
    /// that nothing lands past a batch the replica may have counted on.
    /// </remarks>
    /// <exception cref="StorageRejectedException">The batch is malformed, oversized, out of order, for an unknown replica, or its replica is fenced.</exception>
    /// <exception cref="StorageFaultedException">An earlier write failed; the store no longer accepts writes.</exception>
    ValueTask WriteAsync(ReplicaWriteBatch batch, CancellationToken cancellationToken = default);

    /// <summary>Deletes everything stored for the replica (it moved to another silo or its group was removed).</summary>
    ValueTask DeleteReplicaAsync(DurableReplicaId replica, CancellationToken cancellationToken = default);

    /// <summary>Lists every replica registered in the store (opened at least once and not deleted), sorted by name.</summary>
    ValueTask<IReadOnlyList<DurableReplicaId>> ListReplicasAsync(CancellationToken cancellationToken = default);
}
