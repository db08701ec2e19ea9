namespace Synod.Persistence.AdoNet;

/// <summary>
/// SQLite's <c>PRAGMA synchronous</c> in WAL mode, and what each relaxation risks. The numbers are
/// SQLite's own, so a configuration that says 2 means FULL here as it does to SQLite.
/// </summary>
public enum SqliteSynchronousMode
{
    /// <summary>
    /// The default and the only mode safe for consensus: every commit syncs the WAL before a batch
    /// is acknowledged, so an acknowledged vote or entry survives power loss.
    /// </summary>
    Full = 2,

    /// <summary>
    /// Commits are not synced; the WAL is synced only at checkpoints. A process crash loses nothing,
    /// but power loss or a kernel crash can lose the last acknowledged batches — a replica may then
    /// forget a vote or an entry it acknowledged, which can break Raft's safety. Benchmarks only.
    /// </summary>
    Normal = 1,

    /// <summary>
    /// Never syncs. Power loss can lose acknowledged batches and corrupt the database file. Tests
    /// and benchmarks that do not need durability only.
    /// </summary>
    Off = 0,
}
