using Synod.Silo.Gateway;

namespace Synod.Silo.Http;

/// <summary>Maps a gateway outcome that is not a success to its HTTP answer.</summary>
internal static class OutcomeResults
{
    public static IResult Written(KeyValueOutcome outcome) =>
        Results.Json(new WriteResponse(outcome.Index), HttpApiJsonContext.Default.WriteResponse, "application/json; charset=utf-8");

    public static IResult Failure(KeyValueOutcome outcome) => outcome.Kind switch
    {
        KeyValueOutcomeKind.NotFound => ApiErrors.NotFound(ApiErrorCodes.NotFound, outcome.Message ?? "the key does not exist"),
        KeyValueOutcomeKind.Fenced => ApiErrors.Conflict(ApiErrorCodes.Fenced, outcome.Message ?? "a higher fencing token has been seen for the lock; the write was not applied"),
        KeyValueOutcomeKind.SessionExpired => ApiErrors.Conflict(ApiErrorCodes.SessionExpired, outcome.Message ?? "the key's group does not know this request id's session; not applied"),
        KeyValueOutcomeKind.BadRequest => ApiErrors.BadRequest(ApiErrorCodes.BadRequest, outcome.Message ?? "the cluster refused the request as malformed"),
        KeyValueOutcomeKind.Unavailable => ApiErrors.Unavailable(ApiErrorCodes.Unavailable, outcome.Message ?? "the key's group has no leader or no quorum right now; retry"),
        KeyValueOutcomeKind.PbftGroup => new ApiErrorResult(StatusCodes.Status421MisdirectedRequest, ApiErrorCodes.PbftGroup, outcome.Message ?? "the key belongs to a PBFT group; send PBFT requests to its replicas"),
        KeyValueOutcomeKind.ShuttingDown => ApiErrors.Unavailable(ApiErrorCodes.ShuttingDown, outcome.Message ?? "this silo is shutting down; use another gateway"),

        // Ok and CasMismatch are answered by the endpoint that expects them; anything else here is a
        // gateway bug, which the exception filter turns into a 500.
        _ => throw new InvalidOperationException($"the gateway answered {outcome.Kind} where it cannot"),
    };
}
