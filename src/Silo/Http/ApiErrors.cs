namespace Synod.Silo.Http;

/// <summary>Builds the HTTP API's error answers, one per status code.</summary>
internal static class ApiErrors
{
    public static ApiErrorResult BadRequest(string code, string message) => new(StatusCodes.Status400BadRequest, code, message);

    public static ApiErrorResult NotFound(string code, string message) => new(StatusCodes.Status404NotFound, code, message);

    public static ApiErrorResult Conflict(string code, string message) => new(StatusCodes.Status409Conflict, code, message);

    public static ApiErrorResult Unavailable(string code, string message) => new(StatusCodes.Status503ServiceUnavailable, code, message);

    public static ApiErrorResult Internal() =>
        new(StatusCodes.Status500InternalServerError, ApiErrorCodes.Internal, "the silo failed to handle the request; the error is in its log");

    public static ApiErrorResult MethodNotAllowed(string method, string allowed) =>
        new(StatusCodes.Status405MethodNotAllowed, ApiErrorCodes.MethodNotAllowed, $"{method} is not allowed here; use {allowed}");
}
