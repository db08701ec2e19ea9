namespace Synod.Persistence.Tests.Contract;

/// <summary>The replica store contract on SQLite.</summary>
public sealed class SqliteContractTests : ReplicaStoreContractTests<SqliteProvider>;
