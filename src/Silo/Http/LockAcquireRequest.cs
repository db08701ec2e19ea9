namespace Synod.Silo.Http;

/// <summary>The body of <c>POST /v1/locks/{name}/acquire</c>: <c>{"owner": "…", "ttlMs": 10000}</c>, both required.</summary>
internal sealed class LockAcquireRequest
{
    /// <summary>Who takes the lock, 1 to 128 bytes of UTF-8; owners of one lock must be unique (for example host:pid or a random id).</summary>
    public string? Owner { get; set; }

    /// <summary>The lease, 1 to 600,000 milliseconds.</summary>
    public ulong? TtlMs { get; set; }
}
