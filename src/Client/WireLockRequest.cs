namespace Synod.Client;

/// <summary>The body of a lock request: owner, and ttlMs and/or token as the operation takes them.</summary>
internal sealed record WireLockRequest(string Owner, ulong? TtlMs, ulong? Token);
