using System.ComponentModel.DataAnnotations;

namespace Synod.Grains.Pbft;

/// <summary>Settings of PBFT replica grains, in ticks of the silo timer and counts (configuration section <c>Synod:Pbft</c>).</summary>
public sealed class PbftReplicaOptions
{
    /// <summary>Ticks a backup waits for a known request to execute before it votes for a new view. Default 100 (1 s at 10 ms ticks).</summary>
    [Range(1, 100_000)]
    public int RequestTimeoutTicks { get; set; } = 100;

    /// <summary>Ticks between re-sends of a replica's part of unfinished agreements. Default 20.</summary>
    [Range(1, 10_000)]
    public int RetransmitTicks { get; set; } = 20;

    /// <summary>K: a checkpoint every K sequence numbers. Default 8.</summary>
    [Range(1, 1_000)]
    public int CheckpointInterval { get; set; } = 8;

    /// <summary>L: sequence numbers above the stable checkpoint a replica accepts; a multiple of K. Default 32.</summary>
    [Range(1, 10_000)]
    public int WatermarkWindow { get; set; } = 32;

    /// <summary>Most requests in one pre-prepare. Default 16.</summary>
    [Range(1, 1_000)]
    public int MaxBatchSize { get; set; } = 16;

    /// <summary>
    /// Largest client operation, in bytes. Default 8 KiB: every agreement above the stable checkpoint
    /// is part of the metadata the replica writes after each step, which the store bounds (1 MiB).
    /// </summary>
    [Range(1, 1024 * 1024)]
    public int MaxOperationBytes { get; set; } = 8 * 1024;

    /// <summary>Client calls a replica holds open waiting for their request to execute; more are refused. Default 4,096.</summary>
    [Range(1, 1_000_000)]
    public int MaxWaitingClients { get; set; } = 4_096;

    /// <summary>
    /// Clients whose last reply a replica keeps (exactly-once across retries). Beyond it the client
    /// whose last request executed earliest is forgotten, alike on every correct replica. Default 10,000.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxClients { get; set; } = 10_000;

    /// <summary>
    /// Makes every PBFT replica this silo hosts misbehave (tests and demonstrations only). Default
    /// <see cref="PbftByzantineMode.None"/>. Read on every use, so changing it while the silo runs
    /// (the dev cluster's fault panel) takes effect at the replicas' next turn.
    /// </summary>
    public PbftByzantineMode Byzantine { get; set; } = PbftByzantineMode.None;
}
