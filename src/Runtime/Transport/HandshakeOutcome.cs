namespace Synod.Runtime.Transport;

/// <summary>The result of a handshake: the authenticated peer, or why there is none.</summary>
/// <param name="Failure"><see cref="HandshakeFailure.None"/> when authenticated.</param>
/// <param name="Peer">The peer, or the silo it claimed to be (null if it never said).</param>
/// <param name="Reason">Why it failed, for the log; empty when authenticated.</param>
internal readonly record struct HandshakeOutcome(HandshakeFailure Failure, SiloId? Peer, string Reason)
{
    public bool Authenticated => Failure == HandshakeFailure.None;

    public static HandshakeOutcome Success(SiloId peer) => new(HandshakeFailure.None, peer, "");
}
