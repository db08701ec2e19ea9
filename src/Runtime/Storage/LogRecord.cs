namespace Synod.Runtime.Storage;

/// <summary>
/// One entry of a replica's durable log. The store does not interpret it: for Raft the term is the
/// entry's term and the kind its entry kind; for PBFT the term is the view.
/// </summary>
/// <param name="Index">Position in the log, starting at 1; a replica's records are contiguous.</param>
/// <param name="Term">Term (Raft) or view (PBFT) the record was written in.</param>
/// <param name="Kind">A protocol-defined tag (command, no-op, membership change, …).</param>
/// <param name="Payload">The record's bytes, at most <see cref="ReplicaStoreOptions.MaxRecordBytes"/>.</param>
public readonly record struct LogRecord(ulong Index, ulong Term, byte Kind, ReadOnlyMemory<byte> Payload);
