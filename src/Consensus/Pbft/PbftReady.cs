using System.Collections.Immutable;

namespace Synod.Consensus.Pbft;

/// <summary>A message to send: to one replica, or to every other replica when <see cref="To"/> is null.</summary>
public readonly record struct PbftOutgoing(ReplicaIndex? To, PbftMessage Message);

/// <summary>A committed batch, to be executed in sequence order.</summary>
public readonly record struct CommittedBatch(SequenceNumber Sequence, View View, ImmutableArray<ClientRequest> Batch);

/// <summary>
/// What the host must do: send <see cref="Messages"/>; execute <see cref="Execute"/> in order,
/// replying to each client (re-sending the last reply for a repeated timestamp, executing nothing),
/// and after each sequence number that is a multiple of the checkpoint interval report the state
/// digest with <see cref="PbftReplica.ReportCheckpoint"/>. When <see cref="FetchStateUpTo"/> is set
/// this replica fell behind a stable checkpoint and must fetch that state from peers.
/// </summary>
public sealed class PbftReady
{
    public ImmutableArray<PbftOutgoing> Messages { get; init; } = ImmutableArray<PbftOutgoing>.Empty;

    public ImmutableArray<CommittedBatch> Execute { get; init; } = ImmutableArray<CommittedBatch>.Empty;

    public SequenceNumber? FetchStateUpTo { get; init; }
}
