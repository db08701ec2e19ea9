using System.Data.Common;
using Npgsql;
using Synod.Runtime.Storage;

namespace Synod.Persistence.AdoNet;

/// <summary>
/// PostgreSQL: one schema per silo, held with a session advisory lock so a second silo cannot
/// write into it. A group commit is sent as one pipelined batch of set-based statements over
/// arrays (<c>unnest</c>), so a transaction costs two round trips however many replicas it holds.
/// Durability comes from the server's <c>synchronous_commit = on</c> (its default): COMMIT returns
/// after the WAL is flushed.
/// </summary>
internal sealed class PostgresDialect : StoreDialect
{
    private readonly PostgresReplicaStoreOptions _options;
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;

    public PostgresDialect(PostgresReplicaStoreOptions options, TimeProvider time)
        : base(TablesIn(options.Schema))
    {
        _options = options;
        _time = time;
        // Auto-prepare: the group-commit statements are the same every time, so the server parses
        // and plans them once per connection.
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString) { Pooling = false, MaxAutoPrepare = 32, AutoPrepareMinUsages = 2 };
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        Host = $"{builder.Host}:{builder.Port}/{builder.Database}";
    }

    private string Host { get; }

    public override string Description => $"PostgreSQL schema {_options.Schema} at {Host}";

    public override string Provider => "postgresql";

    private static StoreTables TablesIn(string schema) =>
        new($"\"{schema}\".schema_version", $"\"{schema}\".replica", $"\"{schema}\".metadata", $"\"{schema}\".snapshot", $"\"{schema}\".log");

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LockSchemaAsync(connection, cancellationToken).ConfigureAwait(false);
            await RequireDurableCommitsAsync(connection, cancellationToken).ConfigureAwait(false);
            await CreateSchemaAsync(connection, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task LockSchemaAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // A session-level advisory lock, held for as long as the store's connection lives. After a
        // crash the server keeps the dead session's lock until it notices the closed socket, so
        // wait a bounded time before calling the schema taken.
        // Two 32-bit hashes of the schema name form the 64-bit key, so two schemas practically never share a lock.
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtext('synod:' || @schema), hashtext(reverse(@schema) || ':synod'))", connection);
        command.Parameters.AddWithValue("schema", _options.Schema);
        long start = _time.GetTimestamp();
        while (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
        {
            if (_time.GetElapsedTime(start) >= _options.LockWaitTimeout)
            {
                throw new StorageException($"{Description} is in use by another process (its lock was still held after {_options.LockWaitTimeout.TotalSeconds:F0} s); every silo needs a schema of its own.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Makes COMMIT wait for the WAL flush on this session whatever the server's default, and
    /// notes when the server runs with <c>fsync = off</c>, which no session can undo.
    /// </summary>
    private async Task RequireDurableCommitsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using (var set = new NpgsqlCommand("SET synchronous_commit TO on", connection))
        {
            await set.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var show = new NpgsqlCommand("SELECT current_setting('fsync')", connection);
        if (await show.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is "off")
        {
            string risk = $"{Description}: the server runs with fsync = off; a crash of its machine can lose acknowledged writes";
            if (!_options.AllowServerWithoutFsync)
            {
                throw new StorageException($"{risk}. Turn fsync on, or set AllowServerWithoutFsync for a throwaway benchmark.");
            }

            DurabilityWarning = risk + ".";
        }
    }

    /// <summary>
    /// Releases the schema's advisory lock before closing. Closing alone is not enough: the server
    /// frees a session's locks only when its backend exits, after the client has gone, so a store
    /// reopened at once (a restart) could still find the lock held and be refused as "in use".
    /// </summary>
    public override async ValueTask CloseAsync(DbConnection connection)
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtext('synod:' || @schema), hashtext(reverse(@schema) || ':synod'))", (NpgsqlConnection)connection);
            command.Parameters.AddWithValue("schema", _options.Schema);
            await command.ExecuteScalarAsync().ConfigureAwait(false);
        }
        catch (Exception error) when (error is NpgsqlException or InvalidOperationException)
        {
            // A broken connection cannot unlock; safe to ignore, because the server frees the
            // lock itself when that session ends.
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task CreateSchemaAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        string schema = $"\"{_options.Schema}\"";
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        string[] ddl =
        [
            $"CREATE SCHEMA IF NOT EXISTS {schema}",
            $"CREATE TABLE IF NOT EXISTS {Tables.Version} (version integer NOT NULL)",
            $"CREATE TABLE IF NOT EXISTS {Tables.Replica} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE)",
            $"CREATE TABLE IF NOT EXISTS {Tables.Metadata} (replica bigint PRIMARY KEY, data bytea, data_crc bigint, last_idx bigint NOT NULL, snapshot_idx bigint NOT NULL, crc bigint NOT NULL)",
            $"CREATE TABLE IF NOT EXISTS {Tables.Snapshot} (replica bigint PRIMARY KEY, idx bigint NOT NULL, term bigint NOT NULL, data bytea NOT NULL, crc bigint NOT NULL)",
            $"CREATE TABLE IF NOT EXISTS {Tables.Log} (replica bigint NOT NULL, idx bigint NOT NULL, term bigint NOT NULL, kind smallint NOT NULL, payload bytea NOT NULL, crc bigint NOT NULL, PRIMARY KEY (replica, idx))",
        ];
        foreach (string sql in ddl)
        {
            await using DbCommand command = Command(connection, transaction, sql);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await CheckVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends the whole group as one batch without an explicit transaction: PostgreSQL runs the
    /// messages up to the batch's single Sync as one implicit transaction (all or nothing) and,
    /// with <c>synchronous_commit = on</c>, answers only after its WAL is flushed — one round trip
    /// per group commit instead of three (BEGIN, statements, COMMIT).
    /// </summary>
    public override async ValueTask CommitGroupAsync(DbConnection connection, GroupCommitPlan plan, CancellationToken cancellationToken)
    {
        var columns = new PostgresBulkColumns(plan);
        await using var batch = new NpgsqlBatch((NpgsqlConnection)connection);
        if (columns.SnapshotReplicas.Count > 0)
        {
            batch.BatchCommands.Add(Command(
                $"INSERT INTO {Tables.Snapshot}(replica, idx, term, data, crc) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bytea[], $5::bigint[]) " +
                "ON CONFLICT (replica) DO UPDATE SET idx = excluded.idx, term = excluded.term, data = excluded.data, crc = excluded.crc",
                columns.SnapshotReplicas, columns.SnapshotIndexes, columns.SnapshotTerms, columns.SnapshotData, columns.SnapshotChecksums));
        }

        if (columns.CompactReplicas.Count > 0)
        {
            batch.BatchCommands.Add(Command(
                $"DELETE FROM {Tables.Log} l USING unnest($1::bigint[], $2::bigint[]) AS c(replica, idx) WHERE l.replica = c.replica AND l.idx <= c.idx",
                columns.CompactReplicas, columns.CompactIndexes));
        }

        if (columns.TruncateReplicas.Count > 0)
        {
            batch.BatchCommands.Add(Command(
                $"DELETE FROM {Tables.Log} l USING unnest($1::bigint[], $2::bigint[]) AS t(replica, idx) WHERE l.replica = t.replica AND l.idx >= t.idx",
                columns.TruncateReplicas, columns.TruncateIndexes));
        }

        if (columns.RecordReplicas.Count > 0)
        {
            batch.BatchCommands.Add(Command(
                $"INSERT INTO {Tables.Log}(replica, idx, term, kind, payload, crc) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::smallint[], $5::bytea[], $6::bigint[])",
                columns.RecordReplicas, columns.RecordIndexes, columns.RecordTerms, columns.RecordKinds, columns.RecordPayloads, columns.RecordChecksums));
        }

        if (columns.StateWithMetadataReplicas.Count > 0)
        {
            batch.BatchCommands.Add(Command(
                $"INSERT INTO {Tables.Metadata}(replica, data, data_crc, last_idx, snapshot_idx, crc) " +
                "SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[]) " +
                "ON CONFLICT (replica) DO UPDATE SET data = excluded.data, data_crc = excluded.data_crc, last_idx = excluded.last_idx, snapshot_idx = excluded.snapshot_idx, crc = excluded.crc",
                columns.StateWithMetadataReplicas, columns.MetadataData, columns.MetadataChecksums,
                columns.StateWithMetadataLastIndexes, columns.StateWithMetadataSnapshotIndexes, columns.StateWithMetadataChecksums));
        }

        if (columns.StateReplicas.Count > 0)
        {
            batch.BatchCommands.Add(Command(
                $"INSERT INTO {Tables.Metadata}(replica, data, data_crc, last_idx, snapshot_idx, crc) " +
                "SELECT r, NULL, NULL, l, s, c FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[]) AS t(r, l, s, c) " +
                "ON CONFLICT (replica) DO UPDATE SET last_idx = excluded.last_idx, snapshot_idx = excluded.snapshot_idx, crc = excluded.crc",
                columns.StateReplicas, columns.StateLastIndexes, columns.StateSnapshotIndexes, columns.StateChecksums));
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] arrays)
    {
#pragma warning disable CA2100 // Constant SQL with a validated schema name.
        var command = new NpgsqlBatchCommand(sql);
#pragma warning restore CA2100
        foreach (object array in arrays)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = array });
        }

        return command;
    }

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
