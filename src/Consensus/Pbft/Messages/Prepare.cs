namespace Synod.Consensus.Pbft;

/// <summary>A backup's agreement with a pre-prepare (Castro and Liskov §4.2).</summary>
public sealed record Prepare(ReplicaIndex From, View View, SequenceNumber Sequence, Digest Digest) : PbftMessage(From);
