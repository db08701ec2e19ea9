namespace Synod.Simulation.Raft;

/// <summary>What one simulated run does. Everything random in the run follows from <see cref="Seed"/>.</summary>
public sealed record RaftSimulationOptions
{
    public ulong Seed { get; init; } = 1;

    /// <summary>Voters in the group (3 or 5); one spare replica is kept for membership changes.</summary>
    public int Nodes { get; init; } = 3;

    /// <summary>Events processed while faults are active; then faults heal and liveness is checked.</summary>
    public int Steps { get; init; } = 2000;

    /// <summary>Simulated milliseconds per tick at nominal clock rate.</summary>
    public int TickMillis { get; init; } = 10;

    /// <summary>After healing, a leader must exist within this many ticks.</summary>
    public int LeaderDeadlineTicks { get; init; } = 60;

    /// <summary>After healing, every pending client request must complete within this many ticks.</summary>
    public int CompletionDeadlineTicks { get; init; } = 200;

    public int Clients { get; init; } = 3;

    public int Keys { get; init; } = 4;

    /// <summary>Compact a replica's log once this many applied entries are not yet in its snapshot.</summary>
    public int CompactEveryEntries { get; init; } = 40;

    /// <summary>Whether faults (partitions, crashes, drops, skew, duplicates, delays) are injected.</summary>
    public bool Faults { get; init; } = true;

    public bool MembershipChanges { get; init; } = true;

    /// <summary>
    /// How far (percent) a replica's clock rate may differ from nominal. Lease reads are only safe
    /// while this stays below their margin (see <see cref="Synod.Consensus.Raft.ReadMode.LeaseBased"/>).
    /// </summary>
    public int ClockSkewPercent { get; init; } = 40;

    public Synod.Consensus.Raft.ReadMode ReadMode { get; init; } = Synod.Consensus.Raft.ReadMode.ReadIndex;

    public HostBug Bug { get; init; } = HostBug.None;

    /// <summary>Let idle groups go quiet (issue 6); crashes and partitions wake quiet replicas, as silo liveness does.</summary>
    public bool Quiescence { get; init; }

    /// <summary>Record a readable event trace (slower).</summary>
    public bool Trace { get; init; }

    public void Validate()
    {
        if (Nodes is not (3 or 5))
        {
            throw new ArgumentException("Nodes must be 3 or 5.");
        }

        if (ClockSkewPercent is < 0 or > 90)
        {
            throw new ArgumentException("ClockSkewPercent must be in [0, 90].");
        }

        if (Steps < 1)
        {
            throw new ArgumentException("Steps must be positive.");
        }
    }
}
