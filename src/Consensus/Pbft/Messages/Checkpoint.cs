namespace Synod.Consensus.Pbft;

/// <summary>A replica's digest of its state after executing <see cref="Sequence"/> (Castro and Liskov §4.3).</summary>
public sealed record Checkpoint(ReplicaIndex From, SequenceNumber Sequence, Digest StateDigest) : PbftMessage(From);
