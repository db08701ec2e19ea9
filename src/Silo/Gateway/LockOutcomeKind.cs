namespace Synod.Silo.Gateway;

/// <summary>How a lock operation ended, as the HTTP API maps it to a status code.</summary>
public enum LockOutcomeKind
{
    /// <summary>Acquire: the caller holds the lock (200).</summary>
    Granted,

    /// <summary>Renew or release applied (200).</summary>
    Ok,

    /// <summary>Read: the lock is held; the outcome carries the holder (200).</summary>
    Held,

    /// <summary>Read: nobody holds an unexpired lease (200).</summary>
    Free,

    /// <summary>Acquire: another owner holds the lock; the outcome carries the holder (409).</summary>
    Busy,

    /// <summary>Renew or release: the caller does not hold the lock with that token (409).</summary>
    LeaseLost,

    /// <summary>Bad input: name, owner, ttl or token out of range (400).</summary>
    BadRequest,

    /// <summary>The lock group holds as many unexpired leases as it may; a later retry may succeed (409).</summary>
    LocksFull,

    /// <summary>The lock's group has no quorum or no leader within the deadline, or the cluster has no lock group (503).</summary>
    Unavailable,
}
