namespace Synod.Client;

/// <summary>A lock answer: the lease or holder on 200 and on 409 lock_busy, error and code on any error.</summary>
internal sealed record WireLockAnswer(
    string? Name, string? State, ulong? Token, string? Owner, ulong? ExpiresAtMs, ulong NowMs, ulong MaxClockDriftMs, string? Error, string? Code);
