namespace Synod.Persistence.Tests.Contract;

/// <summary>Damaged rows in a SQLite store.</summary>
public sealed class SqliteCorruptionTests : ReplicaStoreCorruptionTests<SqliteProvider>;
