using System.Collections.Immutable;

namespace Synod.Consensus.Pbft;

/// <summary>
/// A replica's vote to move to <see cref="NewView"/>, carrying its stable checkpoint with the 2f+1
/// checkpoint messages that prove it and a certificate for every request that prepared after it
/// (Castro and Liskov §4.4), so that nothing committed at a correct replica is lost.
/// </summary>
public sealed record ViewChange(
    ReplicaIndex From,
    View NewView,
    SequenceNumber StableCheckpoint,
    Digest StableDigest,
    ImmutableArray<Checkpoint> CheckpointProof,
    ImmutableArray<PreparedCertificate> Prepared) : PbftMessage(From);
