namespace Synod.Simulation.Pbft;

/// <summary>What one simulated PBFT run does; everything random follows from <see cref="Seed"/>.</summary>
public sealed record PbftSimulationOptions
{
    public ulong Seed { get; init; } = 1;

    /// <summary>Faults tolerated; the group has 3f+1 replicas.</summary>
    public int F { get; init; } = 1;

    /// <summary>Events processed while faults are active; then network faults heal and liveness is checked.</summary>
    public int Steps { get; init; } = 3000;

    public ByzantineMode Byzantine { get; init; } = ByzantineMode.Random;

    /// <summary>
    /// Overrides how many replicas are Byzantine (all colluding, the primary among them). Only the
    /// canary test sets it, to f+1, to show the checkers catch a broken fault assumption.
    /// </summary>
    public int? ColludingReplicas { get; init; }

    public int Clients { get; init; } = 3;

    public int TickMillis { get; init; } = 10;

    /// <summary>After healing, every client request must be accepted within this many ticks.</summary>
    public int CompletionDeadlineTicks { get; init; } = 600;

    public bool NetworkFaults { get; init; } = true;

    public bool Trace { get; init; }

    public int ReplicaCount => (3 * F) + 1;

    public void Validate()
    {
        if (F is not (1 or 2))
        {
            throw new ArgumentException("F must be 1 or 2.");
        }

        if (ColludingReplicas is { } c && (c < 1 || c >= ReplicaCount))
        {
            throw new ArgumentException("ColludingReplicas must be in [1, n).");
        }
    }
}
