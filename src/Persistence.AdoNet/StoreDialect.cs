using System.Data.Common;
using Synod.Runtime.Storage;

namespace Synod.Persistence.AdoNet;

/// <summary>
/// What differs between ADO.NET providers: how to connect, the schema's DDL and connection
/// settings, and how a group commit's rows are sent. Everything else — the SQL that reads and
/// writes single rows (standard enough for both SQLite and PostgreSQL, including
/// <c>INSERT … ON CONFLICT</c>), verification on load, the writer loop — is shared.
/// </summary>
internal abstract class StoreDialect : IAsyncDisposable
{
    /// <summary>
    /// The schema version this code writes for this dialect; a newer version on disk is refused, an
    /// older one is migrated when it is <see cref="OldestMigratableVersion"/> or later and refused
    /// otherwise. Version 2 added the state summary columns to the metadata table; stores of
    /// version 1 were only ever written by development builds and are refused rather than migrated.
    /// SQLite's version 3 added the staging table (see <see cref="SqliteDialect"/>).
    /// </summary>
    protected virtual int SchemaVersion => 2;

    /// <summary>The oldest version <see cref="CheckVersionAsync"/> upgrades in place (its DDL has already run).</summary>
    protected virtual int OldestMigratableVersion => SchemaVersion;

    protected StoreDialect(StoreTables tables)
    {
        Tables = tables;
        FindReplicaSql = $"SELECT id FROM {tables.Replica} WHERE name = @name";
        InsertReplicaSql = $"INSERT INTO {tables.Replica}(name) VALUES (@name) RETURNING id";
        LoadStateSql = $"SELECT data, data_crc, last_idx, snapshot_idx, crc FROM {tables.Metadata} WHERE replica = @replica";
        LoadSnapshotSql = $"SELECT idx, term, data, crc FROM {tables.Snapshot} WHERE replica = @replica";
        LoadLogSql = $"SELECT idx, term, kind, payload, crc FROM {tables.Log} WHERE replica = @replica ORDER BY idx";
        ListReplicasSql = $"SELECT name FROM {tables.Replica} ORDER BY name";
        DeleteReplicaSql =
        [
            $"DELETE FROM {tables.Log} WHERE replica = @replica",
            $"DELETE FROM {tables.Metadata} WHERE replica = @replica",
            $"DELETE FROM {tables.Snapshot} WHERE replica = @replica",
            $"DELETE FROM {tables.Replica} WHERE id = @replica",
        ];
        ReadVersionSql = $"SELECT version FROM {tables.Version}";
        InsertVersionSql = $"INSERT INTO {tables.Version}(version) VALUES (@version)";
        UpdateVersionSql = $"UPDATE {tables.Version} SET version = @version";
        UpsertStateWithMetadataSql =
            $"INSERT INTO {tables.Metadata}(replica, data, data_crc, last_idx, snapshot_idx, crc) VALUES (@replica, @data, @data_crc, @last_idx, @snapshot_idx, @crc) " +
            "ON CONFLICT (replica) DO UPDATE SET data = excluded.data, data_crc = excluded.data_crc, last_idx = excluded.last_idx, snapshot_idx = excluded.snapshot_idx, crc = excluded.crc";
        UpsertStateSql =
            $"INSERT INTO {tables.Metadata}(replica, data, data_crc, last_idx, snapshot_idx, crc) VALUES (@replica, NULL, NULL, @last_idx, @snapshot_idx, @crc) " +
            "ON CONFLICT (replica) DO UPDATE SET last_idx = excluded.last_idx, snapshot_idx = excluded.snapshot_idx, crc = excluded.crc";
        UpsertSnapshotSql =
            $"INSERT INTO {tables.Snapshot}(replica, idx, term, data, crc) VALUES (@replica, @idx, @term, @data, @crc) " +
            "ON CONFLICT (replica) DO UPDATE SET idx = excluded.idx, term = excluded.term, data = excluded.data, crc = excluded.crc";
        TruncateSql = $"DELETE FROM {tables.Log} WHERE replica = @replica AND idx >= @idx";
        CompactSql = $"DELETE FROM {tables.Log} WHERE replica = @replica AND idx <= @idx";
        InsertRecordSql =
            $"INSERT INTO {tables.Log}(replica, idx, term, kind, payload, crc) VALUES (@replica, @idx, @term, @kind, @payload, @crc)";
    }

    public StoreTables Tables { get; }

    /// <summary>Names the store in logs and errors, e.g. "SQLite data/silo-1.db".</summary>
    public abstract string Description { get; }

    /// <summary>Set during open when the database is configured in a way that risks acknowledged writes.</summary>
    public string? DurabilityWarning { get; protected set; }

    /// <summary>Short provider name for metric tags: "sqlite" or "postgresql".</summary>
    public abstract string Provider { get; }

    protected string FindReplicaSql { get; }

    protected string InsertReplicaSql { get; }

    protected string LoadStateSql { get; }

    protected string LoadSnapshotSql { get; }

    protected string LoadLogSql { get; }

    protected string ListReplicasSql { get; }

    protected IReadOnlyList<string> DeleteReplicaSql { get; }

    protected string ReadVersionSql { get; }

    protected string InsertVersionSql { get; }

    protected string UpdateVersionSql { get; }

    /// <summary>Writes the state summary and a new metadata record: replica, data, data_crc, last_idx, snapshot_idx, crc.</summary>
    internal string UpsertStateWithMetadataSql { get; }

    /// <summary>Writes the state summary and keeps the metadata record: replica, last_idx, snapshot_idx, crc.</summary>
    internal string UpsertStateSql { get; }

    internal string UpsertSnapshotSql { get; }

    internal string TruncateSql { get; }

    internal string CompactSql { get; }

    internal string InsertRecordSql { get; }

    /// <summary>Opens the store's single connection, applies connection settings and creates the schema.</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Gives up the store's ownership and closes its connection; when this returns, another store
    /// may open the same location.
    /// </summary>
    public virtual ValueTask CloseAsync(DbConnection connection) => connection.DisposeAsync();

    /// <summary>
    /// Moves rows the dialect keeps aside (SQLite's staging table) into the tables that loads and
    /// deletes read; runs before every load and replica deletion and when the store closes cleanly.
    /// </summary>
    public virtual Task SettleAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Releases what the dialect holds besides the connection.</summary>
    public abstract ValueTask DisposeAsync();

    /// <summary>Writes the plan's rows in one transaction and commits it; returns once the commit is durable.</summary>
    public abstract ValueTask CommitGroupAsync(DbConnection connection, GroupCommitPlan plan, CancellationToken cancellationToken);

    /// <summary>Returns the replica's row id, or null when it was never registered.</summary>
    public async Task<long?> FindReplicaAsync(DbConnection connection, DurableReplicaId replica, CancellationToken cancellationToken)
    {
        await using DbCommand find = Command(connection, null, FindReplicaSql);
        Parameter(find, "@name", replica.Value);
        object? found = await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return found is null or DBNull ? null : Convert.ToInt64(found, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Finds or registers the replica and returns its row id.</summary>
    public async Task<long> EnsureReplicaAsync(DbConnection connection, DurableReplicaId replica, CancellationToken cancellationToken)
    {
        await using DbTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using DbCommand find = Command(connection, transaction, FindReplicaSql);
        Parameter(find, "@name", replica.Value);
        object? found = await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        long rowId;
        if (found is not null and not DBNull)
        {
            rowId = Convert.ToInt64(found, System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            await using DbCommand insert = Command(connection, transaction, InsertReplicaSql);
            Parameter(insert, "@name", replica.Value);
            rowId = Convert.ToInt64(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return rowId;
    }

    /// <summary>Reads a replica's rows and verifies them; throws <see cref="StorageCorruptionException"/> on any mismatch.</summary>
    public async Task<ReplicaDurableState> LoadAsync(DbConnection connection, ReplicaEntry replica, CancellationToken cancellationToken)
    {
        await SettleAsync(connection, cancellationToken).ConfigureAwait(false);
        StoredState? state = await LoadStateAsync(connection, replica, cancellationToken).ConfigureAwait(false);
        ReplicaSnapshot? snapshot = await LoadSnapshotAsync(connection, replica, cancellationToken).ConfigureAwait(false);
        List<LogRecord> records = await LoadLogAsync(connection, replica, snapshot?.Index ?? 0, cancellationToken).ConfigureAwait(false);
        StoredState.CheckAgainst(state, replica.Replica, snapshot, records);
        replica.MetadataChecksum = state?.MetadataChecksum;
        // Spelled out: in a conditional, null would convert to an empty ReadOnlyMemory through the
        // implicit conversion from arrays, and "no metadata" would read as "empty metadata".
        ReadOnlyMemory<byte>? metadata = null;
        if (state?.Metadata is { } data)
        {
            metadata = data;
        }

        return new ReplicaDurableState(replica.Replica, metadata, snapshot, records);
    }

    private async Task<StoredState?> LoadStateAsync(DbConnection connection, ReplicaEntry replica, CancellationToken cancellationToken)
    {
        await using DbCommand command = Command(connection, null, LoadStateSql);
        Parameter(command, "@replica", replica.RowId);
        await using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        byte[]? data = reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0);
        uint? dataChecksum = reader.IsDBNull(1) ? null : unchecked((uint)reader.GetInt64(1));
        var state = new StoredState(
            data, dataChecksum, unchecked((ulong)reader.GetInt64(2)), unchecked((ulong)reader.GetInt64(3)), reader.GetInt64(4));
        state.Verify(replica);
        return state;
    }

    private async Task<ReplicaSnapshot?> LoadSnapshotAsync(DbConnection connection, ReplicaEntry replica, CancellationToken cancellationToken)
    {
        await using DbCommand command = Command(connection, null, LoadSnapshotSql);
        Parameter(command, "@replica", replica.RowId);
        await using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        ulong index = unchecked((ulong)reader.GetInt64(0));
        ulong term = unchecked((ulong)reader.GetInt64(1));
        byte[] data = reader.GetFieldValue<byte[]>(2);
        long stored = reader.GetInt64(3);
        long computed = RecordChecksum.OfSnapshot(replica.Seed, index, term, data);
        if (stored != computed)
        {
            throw new StorageCorruptionException(replica.Replica, index, $"the snapshot fails its checksum (stored {stored:x8}, computed {computed:x8})");
        }

        return new ReplicaSnapshot(index, term, data);
    }

    private async Task<List<LogRecord>> LoadLogAsync(DbConnection connection, ReplicaEntry replica, ulong snapshotIndex, CancellationToken cancellationToken)
    {
        var records = new List<LogRecord>();
        await using DbCommand command = Command(connection, null, LoadLogSql);
        Parameter(command, "@replica", replica.RowId);
        await using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        ulong expected = snapshotIndex + 1;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ulong index = unchecked((ulong)reader.GetInt64(0));
            ulong term = unchecked((ulong)reader.GetInt64(1));
            int storedKind = reader.GetInt32(2);
            byte[] payload = reader.GetFieldValue<byte[]>(3);
            long stored = reader.GetInt64(4);
            CheckPosition(replica.Replica, index, expected, snapshotIndex);
            if (storedKind is < byte.MinValue or > byte.MaxValue)
            {
                // A checked cast would throw OverflowException, which is no corruption report and
                // would stop the writer loop for every replica.
                throw new StorageCorruptionException(replica.Replica, index, $"the record's kind {storedKind} is not a byte");
            }

            byte kind = (byte)storedKind;
            long computed = RecordChecksum.OfRecord(replica.Seed, index, term, kind, payload);
            if (stored != computed)
            {
                throw new StorageCorruptionException(replica.Replica, index, $"the record fails its checksum (stored {stored:x8}, computed {computed:x8})");
            }

            records.Add(new LogRecord(index, term, kind, payload));
            expected = index + 1;
        }

        return records;
    }

    private static void CheckPosition(DurableReplicaId replica, ulong index, ulong expected, ulong snapshotIndex)
    {
        if (index <= snapshotIndex)
        {
            throw new StorageCorruptionException(replica, index, $"the record lies inside the snapshot, which covers up to {snapshotIndex}");
        }

        // The log starts right after the snapshot, at 1 without one (no write can start it anywhere
        // else), and every index follows the previous one: a lost snapshot row or a lost first
        // record must not pass as a shorter log.
        if (index != expected)
        {
            throw new StorageCorruptionException(replica, expected, $"the record is missing (the next stored record is {index})");
        }
    }

    public async Task DeleteReplicaAsync(DbConnection connection, long rowId, CancellationToken cancellationToken)
    {
        await SettleAsync(connection, cancellationToken).ConfigureAwait(false);
        await using DbTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (string sql in DeleteReplicaSql)
        {
            await using DbCommand command = Command(connection, transaction, sql);
            Parameter(command, "@replica", rowId);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DurableReplicaId>> ListReplicasAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var replicas = new List<DurableReplicaId>();
        await using DbCommand command = Command(connection, null, ListReplicasSql);
        await using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            replicas.Add(new DurableReplicaId(reader.GetString(0)));
        }

        // Sorted here rather than trusting ORDER BY: a database collation may not be ordinal.
        replicas.Sort(static (a, b) => string.CompareOrdinal(a.Value, b.Value));
        return replicas;
    }

    /// <summary>Records the schema version on first start; migrates a store of a recent older version; refuses one written by a newer version.</summary>
    protected async Task CheckVersionAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using DbCommand read = Command(connection, transaction, ReadVersionSql);
        object? found = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (found is null or DBNull)
        {
            await using DbCommand insert = Command(connection, transaction, InsertVersionSql);
            Parameter(insert, "@version", SchemaVersion);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        long version = Convert.ToInt64(found, System.Globalization.CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
        {
            throw new StorageException($"{Description} holds schema version {version}, newer than this Synod's {SchemaVersion}; upgrade Synod before opening it.");
        }

        if (version < SchemaVersion && version >= OldestMigratableVersion)
        {
            // The DDL that ran before this check created what the newer version adds; recording
            // the version keeps an older Synod from opening a store it would misread.
            await using DbCommand update = Command(connection, transaction, UpdateVersionSql);
            Parameter(update, "@version", SchemaVersion);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        if (version < SchemaVersion)
        {
            throw new StorageException($"{Description} holds schema version {version}, written by a development build before version {OldestMigratableVersion}; it cannot be migrated — remove it and let the replicas catch up from their peers.");
        }
    }

    protected static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        DbCommand command = connection.CreateCommand();
#pragma warning disable CA2100 // The SQL is built from constant text and validated identifiers only.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.Transaction = transaction;
        return command;
    }

    protected static DbParameter Parameter(DbCommand command, string name, object value)
    {
        DbParameter parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
