using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Synod.Persistence.AdoNet;
using Synod.Runtime.Storage;

namespace Synod.Persistence.Tests.Contract;

/// <summary>The SQLite store's options: SQLite's own numbers for the sync mode, and validation before anything opens.</summary>
public sealed class SqliteOptionsTests
{
    private readonly SqliteProvider _provider = new();

    [Fact]
    public void A_synchronous_mode_SQLite_does_not_have_is_refused_before_the_store_opens()
    {
        // Proves that an undefined SqliteSynchronousMode (7) fails options validation with an OptionsValidationException naming the property, and no database file is created.
        string path = _provider.NewLocation();
        var options = new SqliteReplicaStoreOptions { Path = path, Synchronous = (SqliteSynchronousMode)7 };
        OptionsValidationException invalid = Assert.Throws<OptionsValidationException>(() => AdoNetReplicaStore.OpenSqlite(options));
        Assert.Contains(nameof(SqliteReplicaStoreOptions.Synchronous), invalid.Message, StringComparison.Ordinal);
        Assert.Equal(typeof(SqliteReplicaStoreOptions), invalid.OptionsType);
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData("0", SqliteSynchronousMode.Off, 0)]
    [InlineData("1", SqliteSynchronousMode.Normal, 1)]
    [InlineData("2", SqliteSynchronousMode.Full, 2)]
    [InlineData("Normal", SqliteSynchronousMode.Normal, 1)]
    [InlineData("full", SqliteSynchronousMode.Full, 2)]
    public void A_configured_mode_binds_by_SQLite_number_or_by_name(string value, SqliteSynchronousMode expected, int sqliteNumber)
    {
        // Proves that a configuration value binds as SQLite's PRAGMA synchronous reads it (0 OFF, 1 NORMAL, 2 FULL) and by name, so "2" means FULL here as it does to SQLite.
        SqliteReplicaStoreOptions? options = Bind(new() { ["Synod:Storage:Sqlite:Synchronous"] = value });
        Assert.NotNull(options);
        Assert.Equal(expected, options.Synchronous);
        Assert.Equal(sqliteNumber, (int)options.Synchronous);
    }

    [Fact]
    public async Task A_store_opens_from_bound_configuration_and_keeps_what_it_writes()
    {
        // Proves that options bound from configuration (path and mode "2") pass validation and open a working store, which reloads what it wrote after a reopen.
        string path = _provider.NewLocation();
        SqliteReplicaStoreOptions options = Bind(new()
        {
            ["Synod:Storage:Sqlite:Path"] = path,
            ["Synod:Storage:Sqlite:Synchronous"] = "2",
        })!;
        Assert.Equal(SqliteSynchronousMode.Full, options.Synchronous);
        DurableReplicaId replica = TestLog.Id("config/1");
        var model = new ReplicaModel(replica);
        await using (AdoNetReplicaStore store = AdoNetReplicaStore.OpenSqlite(options))
        {
            await store.Started;
            await store.OpenReplicaAsync(replica);
            var batch = new ReplicaWriteBatch { Replica = replica, Records = TestLog.Records(1, 3, 1), Metadata = TestLog.Metadata(1, 1, 0) };
            await store.WriteAsync(batch);
            model.Apply(batch);
        }

        await using AdoNetReplicaStore reopened = await _provider.OpenAsync(path);
        model.AssertLoaded(await reopened.OpenReplicaAsync(replica));
    }

    private static SqliteReplicaStoreOptions? Bind(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("Synod:Storage:Sqlite").Get<SqliteReplicaStoreOptions>();
}
