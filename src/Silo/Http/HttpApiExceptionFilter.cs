using System.Diagnostics.Metrics;

namespace Synod.Silo.Http;

/// <summary>
/// The HTTP API's last line: an exception that escapes a handler becomes a 500 with a JSON body
/// that says nothing of the exception (the details go to the log, never to the caller), and a
/// refusal (4xx) is counted (<c>synod.http.refused</c>) and logged at Debug with its reason.
/// </summary>
internal sealed class HttpApiExceptionFilter(ILogger<HttpApiExceptionFilter> logger, IMeterFactory meterFactory) : IEndpointFilter
{
    private readonly HttpApiMetrics _metrics = new(meterFactory);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        try
        {
            var result = await next(context).ConfigureAwait(false);
            if (result is ApiErrorResult { StatusCode: < 500 } refusal)
            {
                _metrics.Refused(refusal.StatusCode, refusal.Value.Code);
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    HttpApiLog.Refused(logger, http.Request.Method, http.Request.Path.Value ?? "", refusal.StatusCode, refusal.Value.Code, refusal.Value.Error);
                }
            }
            else if (result is ApiErrorResult { StatusCode: StatusCodes.Status500InternalServerError })
            {
                _metrics.Failed();
            }

            return result;
        }
        catch (BadHttpRequestException exception) when (!http.Response.HasStarted)
        {
            // Expected when the client breaks the request while its body is read: it ends early, it is
            // too slow, or it is bigger than Kestrel allows. Kestrel's message names which, and nothing more.
            var refusal = new ApiErrorResult(exception.StatusCode, ApiErrorCodes.BodyInvalid, "the request body could not be read: " + exception.Message);
            _metrics.Refused(refusal.StatusCode, refusal.Value.Code);
            HttpApiLog.Refused(logger, http.Request.Method, http.Request.Path.Value ?? "", refusal.StatusCode, refusal.Value.Code, refusal.Value.Error);
            return refusal;
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; there is no one to answer and nothing went wrong here.
            return Results.Empty;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            // Safe: this is the API's boundary, after the gateway has done whatever it does about its
            // own failures (a replica fail-stops on a broken invariant). The caller learns only that
            // the silo failed; the details go to the log.
            var path = http.Request.Path.Value ?? "";
            if (http.Response.HasStarted)
            {
                // Half an answer cannot be taken back; abort so the caller sees a failure, not a short body.
                HttpApiLog.FailedAfterStart(logger, http.Request.Method, path, exception);
                _metrics.Failed();
                http.Abort();
                return Results.Empty;
            }

            HttpApiLog.Failed(logger, http.Request.Method, path, exception);
            _metrics.Failed();
            return ApiErrors.Internal();
        }
    }
}
