namespace Synod.Silo.Http;

/// <summary>The body of <c>POST /v1/locks/{name}/release</c>: <c>{"owner", "token"}</c>, both required.</summary>
internal sealed class LockReleaseRequest
{
    public string? Owner { get; set; }

    public ulong? Token { get; set; }
}
