namespace Synod.Silo.Gateway;

/// <summary>
/// What a silo's HTTP API asks of the cluster for the lock and lease service: route a lock name to
/// its lock group, reach the leader, retry safely, and say plainly what happened. Implemented over
/// replica grains by the silo (<see cref="GrainLockGateway"/>); tests use a fake.
/// </summary>
public interface ILockGateway
{
    /// <summary>Takes the lock for <paramref name="owner"/> for <paramref name="ttlMs"/> milliseconds; an acquire by the holder extends its lease with the same token.</summary>
    Task<LockOutcome> AcquireAsync(string name, string owner, ulong ttlMs, CancellationToken cancellationToken);

    /// <summary>Extends the lease held by <paramref name="owner"/> with <paramref name="token"/> (<paramref name="ttlMs"/> 0: the grant's ttl).</summary>
    Task<LockOutcome> RenewAsync(string name, string owner, ulong token, ulong ttlMs, CancellationToken cancellationToken);

    /// <summary>Frees the lock if <paramref name="owner"/> holds it with <paramref name="token"/>.</summary>
    Task<LockOutcome> ReleaseAsync(string name, string owner, ulong token, CancellationToken cancellationToken);

    /// <summary>Reads the lock's holder linearizably: <see cref="LockOutcomeKind.Held"/> or <see cref="LockOutcomeKind.Free"/>.</summary>
    Task<LockOutcome> GetAsync(string name, CancellationToken cancellationToken);
}
