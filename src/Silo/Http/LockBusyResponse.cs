namespace Synod.Silo.Http;

/// <summary>
/// The 409 body of an acquire while another owner holds the lock: the error, code <c>lock_busy</c>,
/// and the holder, its token and expiry (the lock is free after <c>expiresAtMs + maxClockDriftMs</c>).
/// </summary>
internal sealed record LockBusyResponse(string Error, string Code, string? Owner, ulong Token, ulong ExpiresAtMs, ulong NowMs, ulong MaxClockDriftMs);
