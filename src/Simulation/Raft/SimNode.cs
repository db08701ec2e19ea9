using Synod.Consensus.Raft;

namespace Synod.Simulation.Raft;

/// <summary>One simulated replica: its core (null while crashed), its disk and its state machine.</summary>
internal sealed class SimNode
{
    public SimNode(ReplicaId id, Membership initial)
    {
        Id = id;
        Disk = new SimDisk(initial);
    }

    public ReplicaId Id { get; }

    public SimDisk Disk { get; }

    public RaftNode? Core { get; set; }

    public KvStateMachine Machine { get; set; } = new();

    /// <summary>Bumped on every crash, so events scheduled for an earlier life are ignored.</summary>
    public int Incarnation { get; set; }

    public bool IsAlive => Core is not null;

    public int TickPeriodMillis { get; set; } = 10;

    /// <summary>The Ready handed out and not yet persisted (disk latency).</summary>
    public Ready? PendingReady { get; set; }

    /// <summary>A hard state that changed only the commit index, not written yet (as RaftReplicaGrain does).</summary>
    public HardState? UnwrittenHardState { get; set; }

    /// <summary>Confirmed reads waiting for the state machine to catch up.</summary>
    public List<ReadState> WaitingReads { get; } = [];

    /// <summary>Highest commit index the checker verified in this life.</summary>
    public LogIndex CheckedCommit { get; set; }

    /// <summary>Last (term, role) observed, to spot a new leader.</summary>
    public (Term Term, RaftRole Role) Observed { get; set; }
}
