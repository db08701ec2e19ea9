namespace Synod.Silo.Http;

/// <summary>The answer to <c>POST /v1/groups</c>: the groups made and the directory version that has them.</summary>
internal sealed record GroupCreateResponse(IReadOnlyList<string> Created, ulong Version);
