namespace Synod.Silo.Gateway;

/// <summary>How a key-value operation ended, as the HTTP API maps it to a status code.</summary>
public enum KeyValueOutcomeKind
{
    /// <summary>Done (200).</summary>
    Ok,

    /// <summary>The key is absent (404).</summary>
    NotFound,

    /// <summary>A compare-and-set's expectation did not hold (409); the outcome carries the current value.</summary>
    CasMismatch,

    /// <summary>The write's fencing token is lower than one already seen for its lock; not applied (409).</summary>
    Fenced,

    /// <summary>Bad input: key or value too large, malformed request id (400).</summary>
    BadRequest,

    /// <summary>The key's group has no quorum or no leader within the deadline (503).</summary>
    Unavailable,

    /// <summary>
    /// A write under the client's own request id whose session the key's group does not know
    /// (never opened by request 1, or forgotten: a group keeps a bounded number); not applied by
    /// this attempt (409). The client must take a new CLIENT id.
    /// </summary>
    SessionExpired,

    /// <summary>The silo is shutting down (503).</summary>
    ShuttingDown,

    /// <summary>The key belongs to a PBFT group, which the client must speak to itself (421).</summary>
    PbftGroup,
}
