using Synod.Grains.Interfaces.Streams;

namespace Synod.Grains.Interfaces;

/// <summary>What the runtime gives an activation: its identity and the ways to reach the rest of the cluster.</summary>
public interface IGrainContext
{
    /// <summary>The grain's identity.</summary>
    GrainId Id { get; }

    /// <summary>Streams, for publishing to other grains (consensus messages travel this way).</summary>
    IStreamProvider Streams { get; }

    /// <summary>References to other grains.</summary>
    IGrainFactory GrainFactory { get; }

    /// <summary>The clock every grain reads (a fake one in tests).</summary>
    TimeProvider Time { get; }

    /// <summary>
    /// Queues a turn of this grain's own, after what is already queued (e.g. one turn that
    /// persists and sends what many queued proposals produced). False when the mailbox is full.
    /// </summary>
    bool TryQueueTurn(Func<CancellationToken, Task> work);

    /// <summary>
    /// Stops (false) or resumes (true) the silo timer's ticks for this activation; an
    /// <see cref="ITickable"/> grain ticks from its activation on. A grain with nothing to do on a
    /// tick (a quiet consensus replica) opts out, so it costs the timer nothing (issue 6).
    /// </summary>
    void SetTicking(bool enabled);

    /// <summary>
    /// How many periods the silo timer has run: the ticks one period queues read the same count
    /// (unless a turn runs after the next period began), so grains can act in phase — Raft leaders
    /// heartbeat on the same ticks, and their heartbeats leave together (issue 6).
    /// </summary>
    long TickCount { get; }

    /// <summary>The id of the silo the runtime places <paramref name="grain"/> on, or null when this runtime is not part of a cluster.</summary>
    int? SiloOf(GrainId grain);

    /// <summary>
    /// Asks the runtime to retire this activation once the current turn ends (Orleans'
    /// <c>DeactivateOnIdle</c>): it runs its deactivation turn, and the next message for the grain
    /// creates a fresh activation — how a replica that stopped itself restarts from durable state.
    /// </summary>
    void DeactivateOnIdle();
}
