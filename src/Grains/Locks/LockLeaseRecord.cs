using Google.Protobuf;

namespace Synod.Grains.Locks;

/// <summary>One lock's latest grant: who holds it, with which fencing token, until when.</summary>
internal sealed class LockLeaseRecord(ByteString owner, ulong token, ulong ttlMs, ulong expiresAtMs)
{
    public ByteString Owner { get; } = owner;

    /// <summary>The log index of the grant; never changes for this record.</summary>
    public ulong Token { get; } = token;

    public ulong TtlMs { get; set; } = ttlMs;

    // Invariant: ExpiresAtMs only increases (renewals extend, never shorten).
    public ulong ExpiresAtMs { get; set; } = expiresAtMs;
}
