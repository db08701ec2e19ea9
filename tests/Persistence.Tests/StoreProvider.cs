using Synod.Persistence.AdoNet;
using Synod.Runtime.Storage;

namespace Synod.Persistence.Tests;

/// <summary>
/// Creates stores of one provider for a test: a fresh SQLite file or a fresh PostgreSQL schema per
/// <see cref="NewLocation"/>, reopened at will to check what survived.
/// </summary>
public abstract class StoreProvider
{
    /// <summary>"sqlite" or "postgresql".</summary>
    public abstract string Name { get; }

    /// <summary>A new, empty place for a store: a file path or a schema name.</summary>
    public abstract string NewLocation();

    /// <summary>Opens the store at <paramref name="location"/> and waits until it is ready.</summary>
    /// <param name="location">Where the store lives.</param>
    /// <param name="configure">Changes to the default options.</param>
    /// <param name="time">The store's clock (group-commit delay, lock waits); the system clock by default.</param>
    public async Task<AdoNetReplicaStore> OpenAsync(string location, Action<ReplicaStoreOptions>? configure = null, TimeProvider? time = null)
    {
        AdoNetReplicaStore store = Create(location, configure, time);
        await store.Started;
        return store;
    }

    /// <summary>Creates the store without waiting for it to open.</summary>
    public abstract AdoNetReplicaStore Create(string location, Action<ReplicaStoreOptions>? configure = null, TimeProvider? time = null);

    /// <summary>Runs raw SQL against a closed store, for tests that damage stored rows on purpose.</summary>
    public abstract Task ExecuteAsync(string location, string sql);

    /// <summary>A SQL literal of <paramref name="bytes"/> as a blob, for damage written with <see cref="ExecuteAsync"/>.</summary>
    public abstract string BlobLiteral(ReadOnlySpan<byte> bytes);

    /// <summary>Qualified name of a store table ("log", "metadata", "snapshot", "replica").</summary>
    public abstract string Table(string location, string table);
}
