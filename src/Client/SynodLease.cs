namespace Synod.Client;

/// <summary>A lease on a lock, as the lock group granted or renewed it.</summary>
/// <param name="Name">The lock's name.</param>
/// <param name="Owner">The owner the lease was granted to.</param>
/// <param name="Token">
/// The fencing token: the log index of the grant, strictly increasing per lock. Pass it with writes
/// (<see cref="SynodFence"/>) so that the store refuses them once a later holder has written.
/// </param>
/// <param name="ExpiresAtMs">The lease's expiry on the lock group's clock (leader time), in milliseconds.</param>
/// <param name="NowMs">The lock group's clock when it answered.</param>
/// <param name="MaxClockDriftMs">The drift bound: the lock is not granted to another owner before ExpiresAtMs + this.</param>
/// <param name="ValidUntil">
/// When this client must consider the lease lost, by its own clock: the ttl counted from just
/// before the request was sent (the request's time in flight and the group's clock are not counted
/// in the client's favour). Renew well before it.
/// </param>
public sealed record SynodLease(string Name, string Owner, ulong Token, ulong ExpiresAtMs, ulong NowMs, ulong MaxClockDriftMs, DateTimeOffset ValidUntil);
