namespace Synod.Consensus.Pbft;

/// <summary>The immutable configuration of one PBFT replica, in ticks and counts; validated on construction.</summary>
public sealed record PbftConfig
{
    /// <summary>n = 3f + 1 replicas.</summary>
    public required int ReplicaCount { get; init; }

    public required ReplicaIndex Id { get; init; }

    /// <summary>K: a checkpoint is taken every K sequence numbers (Castro and Liskov §4.3).</summary>
    public int CheckpointInterval { get; init; } = 16;

    /// <summary>L: the high watermark is the stable checkpoint plus L (a multiple of K).</summary>
    public int WatermarkWindow { get; init; } = 64;

    /// <summary>Ticks a backup waits for a known request to execute before it votes for a new view.</summary>
    public int RequestTimeoutTicks { get; init; } = 20;

    /// <summary>Ticks between re-sends of this replica's part of unfinished agreements.</summary>
    public int RetransmitTicks { get; init; } = 5;

    /// <summary>Largest view-change timeout after exponential back-off.</summary>
    public int MaxViewChangeTimeoutTicks { get; init; } = 640;

    /// <summary>Most requests in one pre-prepare.</summary>
    public int MaxBatchSize { get; init; } = 128;

    /// <summary>Largest client operation accepted, in bytes.</summary>
    public int MaxOperationBytes { get; init; } = 1 << 20;

    /// <summary>Requests the primary queues before it refuses more.</summary>
    public int MaxPendingRequests { get; init; } = 4096;

    public int Faulty => (ReplicaCount - 1) / 3;

    public int Quorum => (2 * Faulty) + 1;

    public void Validate()
    {
        Require(ReplicaCount >= 4 && (ReplicaCount - 1) % 3 == 0, "ReplicaCount must be 3f+1 with f >= 1");
        Require(Id.Value >= 0 && Id.Value < ReplicaCount, "Id must be in [0, ReplicaCount)");
        Require(CheckpointInterval >= 1, "CheckpointInterval must be at least 1");
        Require(WatermarkWindow >= CheckpointInterval && WatermarkWindow % CheckpointInterval == 0, "WatermarkWindow must be a positive multiple of CheckpointInterval");
        Require(RequestTimeoutTicks >= 1, "RequestTimeoutTicks must be at least 1");
        Require(MaxViewChangeTimeoutTicks >= RequestTimeoutTicks, "MaxViewChangeTimeoutTicks must be at least RequestTimeoutTicks");
        Require(RetransmitTicks >= 1, "RetransmitTicks must be at least 1");
        Require(MaxBatchSize >= 1, "MaxBatchSize must be at least 1");
        Require(MaxOperationBytes >= 0, "MaxOperationBytes must not be negative");
        Require(MaxPendingRequests >= 1, "MaxPendingRequests must be at least 1");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
