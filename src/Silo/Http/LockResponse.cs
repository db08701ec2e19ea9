namespace Synod.Silo.Http;

/// <summary>
/// The body of a successful lock request. <see cref="State"/> is <c>granted</c>, <c>renewed</c>,
/// <c>released</c>, <c>held</c> or <c>free</c>; token, owner and expiry are present when a lease
/// is (not after a release, not for a free lock). Times are the lock group's clock (leader time)
/// in milliseconds: the lease is held until <c>expiresAtMs + maxClockDriftMs</c>.
/// </summary>
internal sealed record LockResponse(string Name, string State, ulong? Token, string? Owner, ulong? ExpiresAtMs, ulong NowMs, ulong MaxClockDriftMs);
