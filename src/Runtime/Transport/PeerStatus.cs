namespace Synod.Runtime.Transport;

/// <summary>A peer's liveness as this silo's transport sees it.</summary>
/// <param name="Silo">The peer.</param>
/// <param name="State">Up or down.</param>
/// <param name="Since">When the peer entered <paramref name="State"/> (for the initial Down: when the transport was created).</param>
/// <param name="LastHeard">When the last frame from the peer arrived; null if it never did.</param>
/// <param name="QueuedMessages">Messages waiting in the send queue to the peer.</param>
public sealed record PeerStatus(SiloId Silo, PeerState State, DateTimeOffset Since, DateTimeOffset? LastHeard, int QueuedMessages);
