using System.Data.Common;
using Microsoft.Data.Sqlite;
using Synod.Runtime.Storage;

namespace Synod.Persistence.AdoNet;

/// <summary>
/// SQLite: one file per silo, WAL journal, exclusive locking (a second process, such as a second
/// silo pointed at the same file, is refused at start), and rows written one prepared statement
/// at a time — in-process calls are cheap, and the transaction's single sync is what costs.
/// </summary>
internal sealed class SqliteDialect : StoreDialect
{
    private readonly SqliteReplicaStoreOptions _options;
    private readonly string _fullPath;
    private PreparedStatements? _statements;

    public SqliteDialect(SqliteReplicaStoreOptions options)
        : base(new StoreTables("synod_schema", "synod_replica", "synod_metadata", "synod_snapshot", "synod_log"))
    {
        _options = options;
        _fullPath = System.IO.Path.GetFullPath(options.Path);
    }

    public override string Description => $"SQLite database {_fullPath}";

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
            _statements = new PreparedStatements(connection, this);
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
            _ => "OFF",
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
            $"CREATE TABLE IF NOT EXISTS {Tables.Metadata} (replica INTEGER PRIMARY KEY, data BLOB NOT NULL, crc INTEGER NOT NULL)",
            $"CREATE TABLE IF NOT EXISTS {Tables.Snapshot} (replica INTEGER PRIMARY KEY, idx INTEGER NOT NULL, term INTEGER NOT NULL, data BLOB NOT NULL, crc INTEGER NOT NULL)",
            $"CREATE TABLE IF NOT EXISTS {Tables.Log} (replica INTEGER NOT NULL, idx INTEGER NOT NULL, term INTEGER NOT NULL, kind INTEGER NOT NULL, payload BLOB NOT NULL, crc INTEGER NOT NULL, PRIMARY KEY (replica, idx)) WITHOUT ROWID",
        ];
        foreach (string sql in ddl)
        {
            await using DbCommand command = Command(connection, transaction, sql);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await CheckVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public override ValueTask ApplyAsync(DbConnection connection, DbTransaction transaction, GroupCommitPlan plan, CancellationToken cancellationToken)
    {
        // Microsoft.Data.Sqlite's async methods run synchronously anyway; calling the synchronous
        // ones directly saves a state machine per row.
        PreparedStatements statements = _statements ?? throw new InvalidOperationException("The SQLite store is not open.");
        statements.Enlist((SqliteTransaction)transaction);
        statements.Apply(plan);

        return ValueTask.CompletedTask;
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

    /// <summary>
    /// The statements a group commit uses, prepared once per connection. Deletes and snapshots are
    /// rare and go through ADO.NET; records and metadata, one row per statement execution, go
    /// through <see cref="SqliteRawStatement"/>.
    /// </summary>
    private sealed class PreparedStatements : IDisposable
    {
        private readonly SqliteCommand _truncate;
        private readonly SqliteCommand _compact;
        private readonly SqliteCommand _snapshot;
        private readonly SqliteRawStatement _insert;
        private readonly SqliteRawStatement _metadata;

        public PreparedStatements(SqliteConnection connection, SqliteDialect dialect)
        {
            _truncate = Prepare(connection, dialect.TruncateSql, ["@replica", "@idx"]);
            _compact = Prepare(connection, dialect.CompactSql, ["@replica", "@idx"]);
            _snapshot = Prepare(connection, dialect.UpsertSnapshotSql, ["@replica", "@idx", "@term", "@data", "@crc"]);
            _insert = new SqliteRawStatement(connection, dialect.InsertRecordSql);
            _metadata = new SqliteRawStatement(connection, dialect.UpsertMetadataSql);
        }

        public void Enlist(SqliteTransaction transaction)
        {
            _truncate.Transaction = transaction;
            _compact.Transaction = transaction;
            _snapshot.Transaction = transaction;
        }

        /// <summary>
        /// Writes the plan: each replica's snapshot and deletes, then its records, then its
        /// metadata. Replicas go in row-id order, which walks the log's B-tree once from left to right.
        /// </summary>
        public void Apply(GroupCommitPlan plan)
        {
            plan.Replicas.Sort(static (a, b) => a.Replica.RowId.CompareTo(b.Replica.RowId));
            foreach (ReplicaPlan replica in plan.Replicas)
            {
                ApplyDeletes(replica);
                long rowId = replica.Replica.RowId;
                foreach (PlannedRecord record in replica.Records)
                {
                    // Parameter positions follow InsertRecordSql: replica, idx, term, kind, payload, crc.
                    _insert.Bind(1, rowId);
                    _insert.Bind(2, record.Index);
                    _insert.Bind(3, record.Term);
                    _insert.Bind(4, record.Kind);
                    _insert.Bind(5, record.Payload);
                    _insert.Bind(6, record.Checksum);
                    _insert.Execute();
                }

                if (replica.Metadata is { } metadata)
                {
                    // Positions follow UpsertMetadataSql: replica, data, crc.
                    _metadata.Bind(1, rowId);
                    _metadata.Bind(2, metadata);
                    _metadata.Bind(3, replica.MetadataChecksum);
                    _metadata.Execute();
                }
            }
        }

        private void ApplyDeletes(ReplicaPlan plan)
        {
            long replica = plan.Replica.RowId;
            if (plan.Snapshot is { } snapshot)
            {
                Run(_snapshot, replica, unchecked((long)snapshot.Index), unchecked((long)snapshot.Term), Bytes.Exact(snapshot.Data), plan.SnapshotChecksum);
            }

            if (plan.CompactThrough is { } through)
            {
                Run(_compact, replica, through);
            }

            if (plan.TruncateFrom is { } from)
            {
                Run(_truncate, replica, from);
            }
        }

        public void Dispose()
        {
            _insert.Dispose();
            _metadata.Dispose();
            _truncate.Dispose();
            _compact.Dispose();
            _snapshot.Dispose();
        }

        private static void Run(SqliteCommand command, params object[] values)
        {
            for (int i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i];
            }

            command.ExecuteNonQuery();
        }

        private static SqliteCommand Prepare(SqliteConnection connection, string sql, string[] parameters)
        {
            SqliteCommand command = connection.CreateCommand();
#pragma warning disable CA2100 // Constant SQL with validated table names.
            command.CommandText = sql;
#pragma warning restore CA2100
            foreach (string name in parameters)
            {
                command.Parameters.Add(new SqliteParameter(name, null));
            }

            return command;
        }
    }
}
