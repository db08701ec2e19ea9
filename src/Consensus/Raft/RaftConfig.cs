namespace Synod.Consensus.Raft;

/// <summary>
/// The immutable configuration of one replica's core, in ticks and counts. Hosts build it from their
/// options; the core never sees the host's configuration system. <see cref="Validate"/> runs in
/// the node's constructor.
/// </summary>
public sealed record RaftConfig
{
    /// <summary>This replica's id; never 0.</summary>
    public required ReplicaId Id { get; init; }

    /// <summary>Base election timeout; each election waits a random time in [T, 2T) (paper §5.2).</summary>
    public int ElectionTimeoutTicks { get; init; } = 10;

    /// <summary>Ticks between heartbeats; must be well below the election timeout.</summary>
    public int HeartbeatTicks { get; init; } = 1;

    /// <summary>Probe with a pre-vote before disrupting the term (thesis §9.6).</summary>
    public bool PreVote { get; init; } = true;

    /// <summary>A leader steps down when it has not heard from a quorum in an election timeout (thesis §6.2).</summary>
    public bool CheckQuorum { get; init; } = true;

    public ReadMode ReadMode { get; init; } = ReadMode.ReadIndex;

    /// <summary>Ticks subtracted from the election timeout to bound clock drift in lease reads.</summary>
    public int LeaseSafetyMarginTicks { get; init; } = 2;

    /// <summary>AppendEntries messages in flight to one follower before the leader waits for acks.</summary>
    public int MaxInflightAppends { get; init; } = 64;

    /// <summary>Most entries carried by one AppendEntries.</summary>
    public int MaxEntriesPerAppend { get; init; } = 1024;

    /// <summary>Most payload bytes carried by one AppendEntries (at least one entry is always sent).</summary>
    public long MaxBytesPerAppend { get; init; } = 1 << 20;

    /// <summary>Proposals beyond this many uncommitted entries are refused until commitment catches up.</summary>
    public int MaxUncommittedEntries { get; init; } = 65536;

    /// <summary>Largest snapshot chunk in one InstallSnapshot message.</summary>
    public int MaxSnapshotChunkBytes { get; init; } = 64 * 1024;

    /// <summary>Largest snapshot a follower accepts (its buffer is allocated when the first chunk arrives).</summary>
    public long MaxSnapshotBytes { get; init; } = 1L << 30;

    /// <summary>Reads waiting for confirmation beyond this many are refused.</summary>
    public int MaxPendingReads { get; init; } = 4096;

    /// <summary>A learner is promoted only when it is at most this many entries behind the leader.</summary>
    public int LearnerCatchUpMaxLagEntries { get; init; } = 64;

    /// <summary>
    /// An idle leader whose followers all hold its whole log tells them to go quiet, and goes quiet
    /// itself: quiet replicas are not ticked and send nothing until a proposal, a read, a message or
    /// the host's <see cref="RaftNode.Wake"/> wakes them (issue 6; CockroachDB's quiescence).
    /// </summary>
    public bool Quiescence { get; init; }

    public void Validate()
    {
        if (Id.IsNone)
        {
            throw new ArgumentException("Id must not be 0.");
        }

        Require(HeartbeatTicks >= 1, "HeartbeatTicks must be at least 1");
        Require(ElectionTimeoutTicks > HeartbeatTicks, "ElectionTimeoutTicks must exceed HeartbeatTicks");
        Require(LeaseSafetyMarginTicks >= 0 && LeaseSafetyMarginTicks < ElectionTimeoutTicks, "LeaseSafetyMarginTicks must be in [0, ElectionTimeoutTicks)");
        Require(ReadMode != ReadMode.LeaseBased || CheckQuorum, "lease reads require CheckQuorum");
        Require(MaxInflightAppends >= 1, "MaxInflightAppends must be at least 1");
        Require(MaxEntriesPerAppend >= 1, "MaxEntriesPerAppend must be at least 1");
        Require(MaxBytesPerAppend >= 1, "MaxBytesPerAppend must be at least 1");
        Require(MaxUncommittedEntries >= 1, "MaxUncommittedEntries must be at least 1");
        Require(MaxSnapshotChunkBytes >= 1, "MaxSnapshotChunkBytes must be at least 1");
        Require(MaxSnapshotBytes >= 0 && MaxSnapshotBytes <= Array.MaxLength, "MaxSnapshotBytes must be in [0, Array.MaxLength]");
        Require(MaxPendingReads >= 1, "MaxPendingReads must be at least 1");
        Require(LearnerCatchUpMaxLagEntries >= 0, "LearnerCatchUpMaxLagEntries must not be negative");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
