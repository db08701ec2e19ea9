using Microsoft.Data.Sqlite;

namespace Synod.Persistence.AdoNet;

/// <summary>
/// The statements a SQLite group commit uses, prepared once per connection. Deletes and
/// snapshots are rare and go through ADO.NET; records and state rows, one per statement
/// execution, go through <see cref="SqliteRawStatement"/>.
/// </summary>
internal sealed class SqlitePreparedStatements : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly SqliteCommand _truncate;
    private readonly SqliteCommand _compact;
    private readonly SqliteCommand _snapshot;
    private readonly SqliteRawStatement _insert;
    private readonly SqliteRawStatement _stateWithMetadata;
    private readonly SqliteRawStatement _state;

    public SqlitePreparedStatements(SqliteConnection connection, StoreDialect dialect)
    {
        try
        {
            _truncate = Own(Prepare(connection, dialect.TruncateSql, ["@replica", "@idx"]));
            _compact = Own(Prepare(connection, dialect.CompactSql, ["@replica", "@idx"]));
            _snapshot = Own(Prepare(connection, dialect.UpsertSnapshotSql, ["@replica", "@idx", "@term", "@data", "@crc"]));
            _insert = Own(new SqliteRawStatement(connection, dialect.InsertRecordSql));
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

    public void Enlist(SqliteTransaction transaction)
    {
        _truncate.Transaction = transaction;
        _compact.Transaction = transaction;
        _snapshot.Transaction = transaction;
    }

    /// <summary>
    /// Writes the plan: each replica's snapshot and deletes, then its records, then its state row.
    /// Replicas go in row-id order, which walks the log's B-tree once from left to right.
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
                // Positions follow InsertRecordSql: replica, idx, term, kind, payload, crc.
                _insert.Bind(1, rowId);
                _insert.Bind(2, record.Index);
                _insert.Bind(3, record.Term);
                _insert.Bind(4, record.Kind);
                _insert.Bind(5, record.Payload);
                _insert.Bind(6, record.Checksum);
                _insert.Execute();
            }

            WriteState(replica);
        }
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
