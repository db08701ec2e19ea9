namespace Synod.Consensus.Pbft;

/// <summary>
/// A message between PBFT replicas. Every message is authenticated: <see cref="Signature"/> covers
/// <see cref="PbftEncoding.SigningBytes"/> of the message and is checked before the core acts on it.
/// </summary>
public abstract record PbftMessage(ReplicaIndex From)
{
    public ReadOnlyMemory<byte> Signature { get; init; }
}
