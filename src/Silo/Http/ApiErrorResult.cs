using Microsoft.AspNetCore.Http.Metadata;

namespace Synod.Silo.Http;

/// <summary>An error answer: a status code and <c>{"error", "code"}</c> in JSON.</summary>
internal sealed class ApiErrorResult : IResult, IStatusCodeHttpResult, IValueHttpResult<ErrorResponse>
{
    public ApiErrorResult(int statusCode, string code, string message)
    {
        StatusCode = statusCode;
        Value = new ErrorResponse(message, code);
    }

    public int StatusCode { get; }

    public ErrorResponse Value { get; }

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCode;
        if (StatusCode == StatusCodes.Status503ServiceUnavailable)
        {
            // The group usually elects a leader within a few election timeouts; a second is a fair wait.
            httpContext.Response.Headers.RetryAfter = "1";
        }

        return httpContext.Response.WriteAsJsonAsync(Value, HttpApiJsonContext.Default.ErrorResponse, "application/json; charset=utf-8", httpContext.RequestAborted);
    }
}
