namespace Synod.Silo.Http;

/// <summary>The answer to <c>POST /v1/groups/{group}/move</c>: the move now under way.</summary>
internal sealed record GroupMoveResponse(string Group, ulong FromReplica, ulong ToReplica, int ToSilo);
