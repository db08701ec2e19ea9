namespace Synod.Silo.Http;

/// <summary>
/// The body of <c>POST /v1/locks/{name}/renew</c>: <c>{"owner", "token"}</c>, both required, and an
/// optional <c>ttlMs</c> (absent: the grant's ttl).
/// </summary>
internal sealed class LockRenewRequest
{
    public string? Owner { get; set; }

    public ulong? Token { get; set; }

    public ulong? TtlMs { get; set; }
}
