namespace Synod.Client;

/// <summary>Who holds a lock, as the lock group sees it.</summary>
/// <param name="Owner">The holder.</param>
/// <param name="Token">The holder's fencing token.</param>
/// <param name="ExpiresAtMs">The holder's lease expiry on the lock group's clock; the lock is free after ExpiresAtMs + MaxClockDriftMs.</param>
/// <param name="NowMs">The lock group's clock when it answered.</param>
/// <param name="MaxClockDriftMs">The drift bound the lock group applies.</param>
public sealed record SynodLockHolder(string Owner, ulong Token, ulong ExpiresAtMs, ulong NowMs, ulong MaxClockDriftMs);
