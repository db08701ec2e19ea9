namespace Synod.Client;

/// <summary>The body of <c>POST /v1/groups</c> as the client sends it.</summary>
internal sealed record WireGroupCreateRequest(string Protocol, uint? Replicas, uint Count, string Machine, string RequestId);
