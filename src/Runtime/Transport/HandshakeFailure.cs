namespace Synod.Runtime.Transport;

/// <summary>Why a handshake did not authenticate the peer.</summary>
internal enum HandshakeFailure
{
    /// <summary>It did: the peer proved it holds the cluster key.</summary>
    None,

    /// <summary>This side refused the peer (wrong key, cluster, protocol version or silo id).</summary>
    Refused,

    /// <summary>The peer sent a refusal.</summary>
    RefusedByPeer,

    /// <summary>The peer sent a frame that is oversized or does not parse.</summary>
    Malformed,

    /// <summary>The peer closed the connection before the handshake ended.</summary>
    Closed,
}
