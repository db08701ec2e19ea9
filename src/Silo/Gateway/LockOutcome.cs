namespace Synod.Silo.Gateway;

/// <summary>The outcome of a lock operation.</summary>
/// <param name="Kind">How it ended.</param>
/// <param name="Token">The fencing token of the lease (the caller's on Granted/Ok, the holder's on Busy/Held), else 0.</param>
/// <param name="Owner">The lease's owner (the holder's on Busy/Held), else null.</param>
/// <param name="ExpiresAtMs">The lease's expiry on the lock group's clock, else 0.</param>
/// <param name="NowMs">The lock group's clock when it answered, in milliseconds (leader time, see locks.proto).</param>
/// <param name="MaxClockDriftMs">The drift bound the lock group applies: a lease is held until ExpiresAtMs + this.</param>
/// <param name="Message">A sentence for the caller when it did not succeed.</param>
/// <param name="Index">Log index of the command, when known.</param>
public sealed record LockOutcome(
    LockOutcomeKind Kind,
    ulong Token = 0,
    string? Owner = null,
    ulong ExpiresAtMs = 0,
    ulong NowMs = 0,
    ulong MaxClockDriftMs = 0,
    string? Message = null,
    ulong Index = 0);
