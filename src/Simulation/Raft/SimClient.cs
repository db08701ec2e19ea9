using Synod.Consensus.Raft;

namespace Synod.Simulation.Raft;

/// <summary>A simulated client with at most one outstanding operation, retried until it completes.</summary>
internal sealed class SimClient
{
    public SimClient(int id) => Id = id;

    public int Id { get; }

    public ulong Sequence { get; set; }

    public ClientOperation? Current { get; set; }

    public ReplicaId Target { get; set; }

}

/// <summary>A write or a read in progress, and where it was last submitted.</summary>
internal sealed class ClientOperation
{
    public required bool IsWrite { get; init; }

    public required int Key { get; init; }

    public required ulong Sequence { get; init; }

    public long Value { get; init; }

    /// <summary>For reads: the highest acknowledged write when the read began.</summary>
    public LogIndex LowestIndex { get; init; }

    /// <summary>Identifies the current attempt of a read (a fresh context per attempt).</summary>
    public ulong ReadContext { get; set; }

    public ReplicaId SubmittedTo { get; set; }

    public int SubmittedIncarnation { get; set; }

    public LogPosition SubmittedAt { get; set; }

    /// <summary>Bumped on every attempt, so a stale timeout does not retry a newer attempt.</summary>
    public int Attempt { get; set; }
}
