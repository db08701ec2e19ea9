using System.ComponentModel.DataAnnotations;

namespace Synod.Grains.Raft;

/// <summary>Settings of Raft replica grains, in ticks of the silo timer (configuration section <c>Synod:Raft</c>).</summary>
public sealed class RaftReplicaOptions
{
    /// <summary>Ticks without a leader before a follower campaigns (randomized up to twice this). Default 15.</summary>
    [Range(3, 10_000)]
    public int ElectionTimeoutTicks { get; set; } = 15;

    /// <summary>Ticks between a leader's heartbeats. Default 2.</summary>
    [Range(1, 1_000)]
    public int HeartbeatTicks { get; set; } = 2;

    /// <summary>Applied entries after which the replica snapshots its state machine and compacts its log. Default 10,000.</summary>
    [Range(1, 100_000_000)]
    public int SnapshotEveryEntries { get; set; } = 10_000;

    /// <summary>
    /// Largest command a client may propose, in bytes. Default 1 MiB + 4 KiB (a 1 MiB value with its
    /// key); it must not exceed the store's <c>MaxRecordBytes</c> (default 4 MiB).
    /// </summary>
    [Range(1, 64 * 1024 * 1024)]
    public int MaxCommandBytes { get; set; } = (1024 * 1024) + 4096;

    /// <summary>Most records in one store write; a larger Ready is written in parts. Default 5,000 (the store allows 10,000).</summary>
    [Range(1, 1_000_000)]
    public int MaxRecordsPerWrite { get; set; } = 5_000;

    /// <summary>Most payload bytes in one store write; a larger Ready is written in parts. Default 8 MiB (the store allows 16 MiB).</summary>
    [Range(1, int.MaxValue)]
    public int MaxBytesPerWrite { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// Let an idle group go quiet: no ticks, no heartbeats until a proposal, a read, a peer's
    /// message or a peer silo's death wakes it (issue 6). Default on.
    /// </summary>
    public bool Quiescence { get; set; } = true;

    /// <summary>
    /// Leader balancing: group <c>name-g</c>'s preferred leader is voter (g mod voters) in ascending
    /// id order (voter 1 for a name without a number), and a leader that is not hands leadership to
    /// it once it is caught up and answering. Placement puts consecutive groups' replicas on the
    /// silos in the same order, so preferred leaders spread evenly over the silos and come back to a
    /// silo that returns (issue 6). Default on.
    /// </summary>
    public bool PreferredLeaderBalancing { get; set; } = true;
}
