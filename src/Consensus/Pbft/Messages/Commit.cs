namespace Synod.Consensus.Pbft;

/// <summary>A replica's statement that it has prepared (v, n, d) (Castro and Liskov §4.2).</summary>
public sealed record Commit(ReplicaIndex From, View View, SequenceNumber Sequence, Digest Digest) : PbftMessage(From);
