using System.Data.Common;
using Microsoft.Data.Sqlite;
using Synod.Runtime.Storage;

namespace Synod.Persistence.AdoNet;

/// <summary>
/// SQLite: one file per silo, WAL journal, exclusive locking (a second process, such as a second
/// silo pointed at the same file, is refused at start), and rows written one prepared statement
/// at a time — in-process calls are cheap, and the transaction's single sync is what costs.
/// Small per-replica batches go to a staging table first (see <see cref="SqlitePreparedStatements"/>),
/// so a commit of many replicas' single records dirties a few pages instead of one leaf per replica.
/// </summary>
internal sealed class SqliteDialect : StoreDialect
{
    private readonly SqliteReplicaStoreOptions _options;
    private readonly string _fullPath;
    private SqlitePreparedStatements? _statements;

    public SqliteDialect(SqliteReplicaStoreOptions options)
        : base(new StoreTables("synod_schema", "synod_replica", "synod_metadata", "synod_snapshot", "synod_log"))
    {
        _options = options;
        _fullPath = System.IO.Path.GetFullPath(options.Path);
    }

    /// <summary>The staging table: records in commit order, moved into the log table in bulk.</summary>
    public const string StagedTable = "synod_staged";

    public override string Description => $"SQLite database {_fullPath}";

    /// <summary>Version 3 added the staging table; a version 2 file gains it (empty) and opens.</summary>
    protected override int SchemaVersion => 3;

    protected override int OldestMigratableVersion => 2;

    public override string Provider => "sqlite";

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        string? directory = System.IO.Path.GetDirectoryName(_fullPath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = _fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            // Seconds Microsoft.Data.Sqlite retries a locked database before giving up. The OS
            // releases a dead process's file locks at once, so a live holder is another silo.
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(_options.LockWaitTimeout.TotalSeconds)),
        };
        var connection = new SqliteConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            Configure(connection);
            await CreateSchemaAsync(connection, cancellationToken).ConfigureAwait(false);
            _statements = new SqlitePreparedStatements(connection, this, _options);

            // Records staged by a run that did not close cleanly (a crash) were committed with
            // their transactions; they join the log before anything is loaded.
            _statements.CountStaged();
            await SettleAsync(connection, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6)
        {
            // SQLITE_BUSY / SQLITE_LOCKED: the exclusive lock is held by another connection.
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new StorageException($"{Description} is in use by another process (still locked after {_options.LockWaitTimeout.TotalSeconds:F0} s); every silo needs a database file of its own.", e);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void Configure(SqliteConnection connection)
    {
        // Exclusive locking before WAL: SQLite then keeps the WAL index in process memory instead
        // of a shared-memory file, and no other process can open the database while we run.
        Execute(connection, "PRAGMA locking_mode = EXCLUSIVE");
        string journal = Convert.ToString(Scalar(connection, "PRAGMA journal_mode = WAL"), System.Globalization.CultureInfo.InvariantCulture) ?? "";
        if (!journal.Equals("wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new StorageException($"{Description} could not switch to WAL journaling (got '{journal}').");
        }

        string synchronous = _options.Synchronous switch
        {
            SqliteSynchronousMode.Full => "FULL",
            SqliteSynchronousMode.Normal => "NORMAL",
            SqliteSynchronousMode.Off => "OFF",
            _ => throw new StorageException($"Unknown SQLite synchronous mode {(int)_options.Synchronous}."),
        };
        Execute(connection, $"PRAGMA synchronous = {synchronous}");
        if (_options.Synchronous != SqliteSynchronousMode.Full)
        {
            DurabilityWarning = $"{Description} runs with synchronous = {synchronous}: power loss or a kernel crash can lose acknowledged writes.";
        }

        Execute(connection, $"PRAGMA wal_autocheckpoint = {_options.WalAutoCheckpointPages}");
        Execute(connection, $"PRAGMA cache_size = -{_options.CacheSizeKiB}");
    }

    private async Task CreateSchemaAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        // BEGIN IMMEDIATE takes the write lock now, so a database held by another process fails here.
        await using DbTransaction transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken).ConfigureAwait(false);
        string[] ddl =
        [
            $"CREATE TABLE IF NOT EXISTS {Tables.Version} (version INTEGER NOT NULL)",
            $"CREATE TABLE IF NOT EXISTS {Tables.Replica} (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
            $"CREATE TABLE IF NOT EXISTS {Tables.Metadata} (replica INTEGER PRIMARY KEY, data BLOB, data_crc INTEGER, last_idx INTEGER NOT NULL, snapshot_idx INTEGER NOT NULL, crc INTEGER NOT NULL)",
            $"CREATE TABLE IF NOT EXISTS {Tables.Snapshot} (replica INTEGER PRIMARY KEY, idx INTEGER NOT NULL, term INTEGER NOT NULL, data BLOB NOT NULL, crc INTEGER NOT NULL)",
            $"CREATE TABLE IF NOT EXISTS {Tables.Log} (replica INTEGER NOT NULL, idx INTEGER NOT NULL, term INTEGER NOT NULL, kind INTEGER NOT NULL, payload BLOB NOT NULL, crc INTEGER NOT NULL, PRIMARY KEY (replica, idx)) WITHOUT ROWID",

            // Append order by seq (the rowid), and deliberately no index on (replica, idx): an index
            // would bring back one dirty page per replica per commit.
            $"CREATE TABLE IF NOT EXISTS {StagedTable} (seq INTEGER PRIMARY KEY, replica INTEGER NOT NULL, idx INTEGER NOT NULL, term INTEGER NOT NULL, kind INTEGER NOT NULL, payload BLOB NOT NULL, crc INTEGER NOT NULL)",
        ];
        foreach (string sql in ddl)
        {
            await using DbCommand command = Command(connection, transaction, sql);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await CheckVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public override ValueTask CommitGroupAsync(DbConnection connection, GroupCommitPlan plan, CancellationToken cancellationToken)
    {
        // Microsoft.Data.Sqlite's async methods run synchronously anyway; the synchronous calls
        // save a state machine per statement. COMMIT is where SQLite writes and syncs the WAL.
        SqlitePreparedStatements statements = _statements ?? throw new InvalidOperationException("The SQLite store is not open.");
        using SqliteTransaction transaction = ((SqliteConnection)connection).BeginTransaction();
        statements.Enlist(transaction);
        statements.Apply(plan);
        transaction.Commit();
        statements.Committed();
        return ValueTask.CompletedTask;
    }

    /// <summary>Moves staged records into the log table in a transaction of their own, when there are any.</summary>
    public override Task SettleAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        SqlitePreparedStatements statements = _statements ?? throw new InvalidOperationException("The SQLite store is not open.");
        if (statements.HasStaged)
        {
            using SqliteTransaction transaction = ((SqliteConnection)connection).BeginTransaction();
            statements.Enlist(transaction);
            statements.Flush();
            transaction.Commit();
            statements.Committed();
        }

        return Task.CompletedTask;
    }

    /// <summary>Finalizes the prepared statements first, so that closing the connection checkpoints the WAL and closes the file.</summary>
    public override ValueTask CloseAsync(DbConnection connection)
    {
        ReleaseStatements();
        return base.CloseAsync(connection);
    }

    private void ReleaseStatements()
    {
        _statements?.Dispose();
        _statements = null;
    }

    public override ValueTask DisposeAsync()
    {
        ReleaseStatements();
        return ValueTask.CompletedTask;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using DbCommand command = Command(connection, null, sql);
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using DbCommand command = Command(connection, null, sql);
        return command.ExecuteScalar();
    }
}
