using Microsoft.Data.Sqlite;

namespace Synod.Persistence.AdoNet;

/// <summary>
/// The statements a SQLite group commit uses, prepared once per connection. Deletes and
/// snapshots are rare and go through ADO.NET; records and state rows, one per statement
/// execution, go through <see cref="SqliteRawStatement"/>.
/// </summary>
/// <remarks>
/// Staging: the log table is a B-tree keyed by (replica, index), so a commit holding one record
/// for each of many replicas dirties one leaf page per replica. When a commit holds two or more
/// replicas whose records fill less than a page, those records go instead to <see cref="SqliteDialect.StagedTable"/>, which is
/// appended in commit order (its last page or two), with the same row checksum; staged rows are
/// committed with the transaction, so they are as durable as log rows. They move into the log in
/// bulk (<see cref="Flush"/>, sorted, so the log's leaves are each written once per flush) when
/// the bounds of <see cref="SqliteReplicaStoreOptions.StagedRecordsBeforeFlush"/> are reached,
/// first in the transaction of a commit that deletes records of a replica with staged rows, and
/// before any load or replica deletion (<see cref="StoreDialect.SettleAsync"/>), so those only
/// ever read or delete in the log table. A replica's records are never in both tables at one
/// index: without a delete its indexes only grow, and every delete follows a flush.
/// </remarks>
internal sealed class SqlitePreparedStatements : IDisposable
{
    // A replica's records of one commit that reach this many bytes fill their own leaf page
    // anyway; staging them would only copy them twice.
    private const int DirectInsertBytes = 4096;

    // Per-record overhead counted towards DirectInsertBytes (key, term, kind, checksum, cell header).
    private const int RecordOverheadBytes = 32;

    private readonly List<IDisposable> _owned = [];
    private readonly SqliteReplicaStoreOptions _options;
    private readonly SqliteCommand _truncate;
    private readonly SqliteCommand _compact;
    private readonly SqliteCommand _snapshot;
    private readonly SqliteCommand _countStaged;
    private readonly SqliteRawStatement _insert;
    private readonly SqliteRawStatement _stage;
    private readonly SqliteRawStatement _moveStaged;
    private readonly SqliteRawStatement _clearStaged;
    private readonly SqliteRawStatement _stateWithMetadata;
    private readonly SqliteRawStatement _state;

    // What the staging table holds as of the last commit.
    private readonly HashSet<long> _stagedReplicas = [];
    private long _stagedRecords;
    private long _stagedBytes;
    private bool _stagedReplicasUnknown;

    // What the open transaction changes; applied by Committed, dropped by the next Enlist.
    private readonly List<long> _pendingReplicas = [];
    private long _pendingRecords;
    private long _pendingBytes;
    private bool _pendingFlush;

    public SqlitePreparedStatements(SqliteConnection connection, StoreDialect dialect, SqliteReplicaStoreOptions options)
    {
        _options = options;
        string columns = "replica, idx, term, kind, payload, crc";
        try
        {
            _truncate = Own(Prepare(connection, dialect.TruncateSql, ["@replica", "@idx"]));
            _compact = Own(Prepare(connection, dialect.CompactSql, ["@replica", "@idx"]));
            _snapshot = Own(Prepare(connection, dialect.UpsertSnapshotSql, ["@replica", "@idx", "@term", "@data", "@crc"]));
            _countStaged = Own(Prepare(connection, $"SELECT count(*) FROM {SqliteDialect.StagedTable}", []));
            _insert = Own(new SqliteRawStatement(connection, dialect.InsertRecordSql));
            _stage = Own(new SqliteRawStatement(connection, $"INSERT INTO {SqliteDialect.StagedTable}({columns}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
            _moveStaged = Own(new SqliteRawStatement(
                connection, $"INSERT INTO {dialect.Tables.Log}({columns}) SELECT {columns} FROM {SqliteDialect.StagedTable} ORDER BY replica, idx"));
            _clearStaged = Own(new SqliteRawStatement(connection, $"DELETE FROM {SqliteDialect.StagedTable}"));
            _stateWithMetadata = Own(new SqliteRawStatement(connection, dialect.UpsertStateWithMetadataSql));
            _state = Own(new SqliteRawStatement(connection, dialect.UpsertStateSql));
        }
        catch
        {
            // A statement that fails to prepare must not leave the others holding the connection open.
            Dispose();
            throw;
        }
    }

    /// <summary>True when the staging table holds records (as of the last commit).</summary>
    public bool HasStaged => _stagedRecords > 0;

    /// <summary>Starts a transaction's bookkeeping; call once the transaction is open.</summary>
    public void Enlist(SqliteTransaction transaction)
    {
        _truncate.Transaction = transaction;
        _compact.Transaction = transaction;
        _snapshot.Transaction = transaction;
        _countStaged.Transaction = transaction;
        _pendingReplicas.Clear();
        _pendingRecords = 0;
        _pendingBytes = 0;
        _pendingFlush = false;
    }

    /// <summary>Reads how many records the staging table holds (at open: what a crashed run left).</summary>
    public void CountStaged()
    {
        _countStaged.Transaction = null;
        _stagedRecords = Convert.ToInt64(_countStaged.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        _stagedBytes = 0;
        _stagedReplicas.Clear();
        _stagedReplicasUnknown = _stagedRecords > 0;
    }

    /// <summary>
    /// Writes the plan: each replica's snapshot and deletes, then its records, then its state row.
    /// Replicas go in row-id order, which walks the log's B-tree once from left to right. Staged
    /// records are moved into the log first when they reach their bounds or a delete needs them there.
    /// </summary>
    public void Apply(GroupCommitPlan plan)
    {
        plan.Replicas.Sort(static (a, b) => a.Replica.RowId.CompareTo(b.Replica.RowId));
        if (MustFlushBefore(plan))
        {
            Flush();
        }

        // Staging pays when the commit would otherwise dirty several replicas' leaves; a commit
        // with one replica's small records dirties one leaf either way, so it writes them directly.
        int small = 0;
        foreach (ReplicaPlan replica in plan.Replicas)
        {
            small += IsSmall(replica) ? 1 : 0;
        }

        bool staging = _options.StagedRecordsBeforeFlush > 0 && small >= 2;
        foreach (ReplicaPlan replica in plan.Replicas)
        {
            ApplyDeletes(replica);
            long rowId = replica.Replica.RowId;
            bool stage = staging && IsSmall(replica);
            SqliteRawStatement insert = stage ? _stage : _insert;
            foreach (PlannedRecord record in replica.Records)
            {
                // Positions follow InsertRecordSql (and the staging insert): replica, idx, term, kind, payload, crc.
                insert.Bind(1, rowId);
                insert.Bind(2, record.Index);
                insert.Bind(3, record.Term);
                insert.Bind(4, record.Kind);
                insert.Bind(5, record.Payload);
                insert.Bind(6, record.Checksum);
                insert.Execute();
            }

            if (stage)
            {
                _pendingReplicas.Add(rowId);
                _pendingRecords += replica.Records.Count;
                _pendingBytes += RowBytes(replica);
            }

            WriteState(replica);
        }
    }

    /// <summary>Moves every staged record into the log table, in the open transaction.</summary>
    public void Flush()
    {
        _moveStaged.Execute();
        _clearStaged.Execute();
        _pendingFlush = true;
    }

    /// <summary>Call after the transaction commits: what it staged and flushed is now the staging table's state.</summary>
    public void Committed()
    {
        if (_pendingFlush)
        {
            _stagedReplicas.Clear();
            _stagedRecords = 0;
            _stagedBytes = 0;
            _stagedReplicasUnknown = false;
        }

        _stagedReplicas.UnionWith(_pendingReplicas);
        _stagedRecords += _pendingRecords;
        _stagedBytes += _pendingBytes;
        _pendingReplicas.Clear();
        _pendingRecords = 0;
        _pendingBytes = 0;
        _pendingFlush = false;
    }

    private static bool IsSmall(ReplicaPlan replica) => replica.Records.Count > 0 && RowBytes(replica) < DirectInsertBytes;

    private static long RowBytes(ReplicaPlan replica)
    {
        long bytes = 0;
        foreach (PlannedRecord record in replica.Records)
        {
            bytes += record.Payload.Length + RecordOverheadBytes;
        }

        return bytes;
    }

    private bool MustFlushBefore(GroupCommitPlan plan)
    {
        if (_stagedRecords == 0)
        {
            return false;
        }

        if (_stagedRecords >= _options.StagedRecordsBeforeFlush || _stagedBytes >= _options.StagedBytesBeforeFlush)
        {
            return true;
        }

        // A truncation or compaction must see every record of its replica in the log table.
        foreach (ReplicaPlan replica in plan.Replicas)
        {
            if ((replica.TruncateFrom is not null || replica.CompactThrough is not null)
                && (_stagedReplicasUnknown || _stagedReplicas.Contains(replica.Replica.RowId)))
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose()
    {
        foreach (IDisposable owned in _owned)
        {
            owned.Dispose();
        }

        _owned.Clear();
    }

    private void WriteState(ReplicaPlan replica)
    {
        long rowId = replica.Replica.RowId;
        if (replica.Metadata is { } metadata)
        {
            // Positions follow UpsertStateWithMetadataSql: replica, data, data_crc, last_idx, snapshot_idx, crc.
            _stateWithMetadata.Bind(1, rowId);
            _stateWithMetadata.Bind(2, metadata);
            _stateWithMetadata.Bind(3, replica.MetadataChecksum);
            _stateWithMetadata.Bind(4, replica.LastIndex);
            _stateWithMetadata.Bind(5, replica.SnapshotIndex);
            _stateWithMetadata.Bind(6, replica.StateChecksum);
            _stateWithMetadata.Execute();
        }
        else
        {
            // Positions follow UpsertStateSql: replica, last_idx, snapshot_idx, crc.
            _state.Bind(1, rowId);
            _state.Bind(2, replica.LastIndex);
            _state.Bind(3, replica.SnapshotIndex);
            _state.Bind(4, replica.StateChecksum);
            _state.Execute();
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

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
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
