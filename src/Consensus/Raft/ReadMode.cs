namespace Synod.Consensus.Raft;

/// <summary>How the leader confirms it still leads before serving a read.</summary>
public enum ReadMode : byte
{
    /// <summary>
    /// ReadIndex (thesis §6.4): a heartbeat round acknowledged by a quorum confirms leadership. Safe
    /// under any clock behaviour.
    /// </summary>
    ReadIndex = 0,

    /// <summary>
    /// Lease reads (thesis §6.4.1): the leader serves reads without a round trip while a quorum has
    /// acknowledged a heartbeat sent less than <c>ElectionTimeoutTicks - LeaseSafetyMarginTicks</c>
    /// ticks ago. Assumes every replica's clock runs within that margin of the leader's over one
    /// election timeout; a faster-ticking follower could elect a new leader while the old one still
    /// serves, and the read could be stale.
    /// </summary>
    LeaseBased = 1,
}
