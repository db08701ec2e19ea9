namespace Synod.Persistence.Tests.Contract;

/// <summary>The replica store contract on PostgreSQL.</summary>
public sealed class PostgresContractTests : ReplicaStoreContractTests<PostgresProvider>;
