using Microsoft.Data.Sqlite;
using Synod.Persistence.AdoNet;
using Xunit.Abstractions;

namespace Synod.Persistence.Tests.Crash;

/// <summary>The crash suite against a SQLite file (WAL, <c>synchronous = FULL</c>).</summary>
public sealed class SqliteCrashTests(ITestOutputHelper output) : CrashSuite(output)
{
    protected override StoreProvider Provider { get; } = new SqliteProvider();

    protected override int Iterations => 8;

    /// <summary>Counts the staging table's rows in a copy of the killed files (opening the originals would recover the WAL before the store does).</summary>
    protected override async Task<long> StagedRowsAsync(string location)
    {
        string image = Provider.NewLocation();
        File.Copy(location, image);
        if (File.Exists(location + "-wal"))
        {
            File.Copy(location + "-wal", image + "-wal");
        }

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = image, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {SqliteDialect.StagedTable}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
