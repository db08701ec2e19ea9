namespace Synod.Client;

/// <summary>The answer to an acquire: the lease when the lock was granted, otherwise who holds it.</summary>
/// <param name="Lease">The caller's lease, or null when another owner holds the lock.</param>
/// <param name="Holder">The other owner's lease when the lock is busy, else null.</param>
public sealed record SynodLockAttempt(SynodLease? Lease, SynodLockHolder? Holder)
{
    /// <summary>Whether the caller holds the lock now.</summary>
    public bool Acquired => Lease is not null;
}
