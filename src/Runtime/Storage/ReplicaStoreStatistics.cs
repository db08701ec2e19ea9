namespace Synod.Runtime.Storage;

/// <summary>A snapshot of a store's counters, for benchmarks, the status API and tests.</summary>
/// <param name="Commits">Transactions committed, which is the number of syncs to disk.</param>
/// <param name="Batches">Replica batches made durable.</param>
/// <param name="Records">Log records appended.</param>
/// <param name="PayloadBytes">Payload bytes written (records, metadata, snapshots).</param>
/// <param name="Rejected">Batches refused as bad input.</param>
/// <param name="Corruptions">Replicas refused at open because their stored state failed a check.</param>
public readonly record struct ReplicaStoreStatistics(
    long Commits, long Batches, long Records, long PayloadBytes, long Rejected, long Corruptions);
