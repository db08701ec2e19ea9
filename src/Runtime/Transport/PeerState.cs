namespace Synod.Runtime.Transport;

/// <summary>What a silo's transport believes about a peer.</summary>
public enum PeerState
{
    /// <summary>Nothing heard from the peer within the peer timeout, or never heard from at all.</summary>
    Down,

    /// <summary>An authenticated connection exists and the peer answered within the peer timeout.</summary>
    Up,
}
