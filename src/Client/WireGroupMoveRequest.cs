namespace Synod.Client;

/// <summary>The body of <c>POST /v1/groups/{group}/move</c>.</summary>
internal sealed record WireGroupMoveRequest(int From, int To);
