using Npgsql;
using Synod.Persistence.AdoNet;
using Xunit.Abstractions;

namespace Synod.Persistence.Tests.Crash;

/// <summary>
/// The crash suite against a PostgreSQL schema on the server named by <c>SYNOD_TEST_POSTGRES</c>.
/// Sessions on the store carry an application name of its own, so the test can wait until the
/// server has noticed a kill or a close and ended the session, releasing the schema lock that
/// the next opener needs.
/// </summary>
public sealed class PostgresCrashTests(ITestOutputHelper output) : CrashSuite(output)
{
    private static readonly TimeSpan ReleaseLimit = TimeSpan.FromSeconds(30);

    protected override StoreProvider Provider { get; } = new PostgresProvider();

    protected override int Iterations => 6;

    protected override IReadOnlyDictionary<string, string> ChildEnvironment(string location) =>
        new Dictionary<string, string> { [PostgresProvider.Variable] = ConnectionString(location) };

    protected override Task<AdoNetReplicaStore> OpenAsync(string location) =>
        Provider.OpenAsync(location, options => ((PostgresReplicaStoreOptions)options).ConnectionString = ConnectionString(location));

    protected override async Task WaitUntilReleasedAsync(string location)
    {
        await using var connection = new NpgsqlConnection(PostgresProvider.ConnectionString);
        await connection.OpenAsync();
        await using var sessions = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = @name", connection);
        sessions.Parameters.AddWithValue("name", ApplicationName(location));
        using var limit = new CancellationTokenSource(ReleaseLimit);

        // A backend releases its session locks before it leaves pg_stat_activity, so an empty
        // list means the killed child's schema lock is free.
        while ((long)(await sessions.ExecuteScalarAsync(limit.Token))! > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), limit.Token);
        }
    }

    private static string ApplicationName(string location) => $"synod-crash-{location}";

    // Every session that opens this store, the child's and the test's, carries the name.
    private static string ConnectionString(string location) =>
        new NpgsqlConnectionStringBuilder(PostgresProvider.ConnectionString) { ApplicationName = ApplicationName(location) }.ConnectionString;
}
