using Npgsql;
using Synod.Persistence.AdoNet;
using Synod.Runtime.Storage;

namespace Synod.Persistence.Tests;

/// <summary>
/// PostgreSQL stores, each in a schema of its own, on the throwaway server that
/// <c>scripts/test.sh</c> starts and names in <c>SYNOD_TEST_POSTGRES</c>. Without it the tests
/// fail and say so: they never skip.
/// </summary>
public sealed class PostgresProvider : StoreProvider
{
    public const string Variable = "SYNOD_TEST_POSTGRES";

    public override string Name => "postgresql";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set. The PostgreSQL tests need a server: run ./scripts/test.sh, which installs and starts a throwaway one on 127.0.0.1, " +
                $"or set {Variable} to an Npgsql connection string.");

    public override string NewLocation() => $"t_{Guid.NewGuid():N}";

    public override AdoNetReplicaStore Create(string location, Action<ReplicaStoreOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new PostgresReplicaStoreOptions { ConnectionString = ConnectionString, Schema = location };
        configure?.Invoke(options);
        return AdoNetReplicaStore.OpenPostgres(options, timeProvider: time);
    }

    public override async Task ExecuteAsync(string location, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public override string BlobLiteral(ReadOnlySpan<byte> bytes) => $"'\\x{Convert.ToHexString(bytes)}'::bytea";

    public override string Table(string location, string table) => $"\"{location}\".{table}";
}
