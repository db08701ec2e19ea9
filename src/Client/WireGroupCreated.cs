namespace Synod.Client;

/// <summary>The answer to <c>POST /v1/groups</c>.</summary>
internal sealed record WireGroupCreated(IReadOnlyList<string> Created, ulong Version);
