namespace Synod.Persistence.Tests.Contract;

/// <summary>Damaged rows in a PostgreSQL store.</summary>
public sealed class PostgresCorruptionTests : ReplicaStoreCorruptionTests<PostgresProvider>;
