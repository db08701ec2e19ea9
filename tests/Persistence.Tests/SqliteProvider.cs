using Microsoft.Data.Sqlite;
using Synod.Persistence.AdoNet;
using Synod.Runtime.Storage;

namespace Synod.Persistence.Tests;

/// <summary>SQLite stores in files under a temporary directory (removed by the OS's tmp cleaning).</summary>
public sealed class SqliteProvider : StoreProvider
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "synod-tests", $"sqlite-{Environment.ProcessId}");

    public override string Name => "sqlite";

    public override string NewLocation()
    {
        Directory.CreateDirectory(Root);
        return Path.Combine(Root, $"{Guid.NewGuid():N}.db");
    }

    public override AdoNetReplicaStore Create(string location, Action<ReplicaStoreOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new SqliteReplicaStoreOptions { Path = location };
        configure?.Invoke(options);
        return AdoNetReplicaStore.OpenSqlite(options, timeProvider: time);
    }

    public override async Task ExecuteAsync(string location, string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = location, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public override string BlobLiteral(ReadOnlySpan<byte> bytes) => $"X'{Convert.ToHexString(bytes)}'";

    public override string Table(string location, string table) => $"synod_{table}";
}
