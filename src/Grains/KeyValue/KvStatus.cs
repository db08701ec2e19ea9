namespace Synod.Grains.KeyValue;

/// <summary>
/// What became of a key-value command or read. The numbers are written into snapshots: never
/// renumber them.
/// </summary>
public enum KvStatus : byte
{
    /// <summary>Applied, or for a read, found.</summary>
    Ok = 1,

    /// <summary>The key is absent (a read or a delete).</summary>
    NotFound = 2,

    /// <summary>A compare-and-set's expectation did not hold; the result carries the current value.</summary>
    CasMismatch = 3,

    /// <summary>The session has already applied a later request; this one was not applied now.</summary>
    StaleRequest = 4,

    /// <summary>The client id has no session (never registered, evicted or expired); not applied.</summary>
    SessionExpired = 5,

    /// <summary>Bad input, or the store is full; see <see cref="KvRejectReason"/>.</summary>
    Rejected = 6,

    /// <summary>The write's fencing token is lower than one already seen for its lock; not applied.</summary>
    Fenced = 7,
}
