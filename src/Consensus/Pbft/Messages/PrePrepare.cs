using System.Collections.Immutable;

namespace Synod.Consensus.Pbft;

/// <summary>
/// The primary's assignment of sequence number <see cref="Sequence"/> in <see cref="View"/> to a batch
/// of requests with digest <see cref="Digest"/> (Castro and Liskov §4.2). An empty batch is the null
/// request that fills a gap after a view change.
/// </summary>
public sealed record PrePrepare(ReplicaIndex From, View View, SequenceNumber Sequence, Digest Digest, ImmutableArray<ClientRequest> Batch)
    : PbftMessage(From);
