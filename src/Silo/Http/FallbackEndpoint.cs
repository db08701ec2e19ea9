namespace Synod.Silo.Http;

/// <summary>
/// Answers what no endpoint of the API matched, in the API's JSON: a wrong method on a known
/// path (405 with <c>Allow</c>), an empty key (400), or an unknown path (404).
/// </summary>
internal static class FallbackEndpoint
{
    public static IResult Handle(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var method = context.Request.Method;

        // Routing has decoded the path except for %2F, so a key is still exactly one segment here.
        var segments = (context.Request.Path.Value ?? "").Split('/');
        var tail = segments.Length > 2 && segments[1] == "v1" ? segments[2..] : [];
        var allowed = tail switch
        {
            ["kv"] or ["kv", ""] or ["kv", "", "cas"] => null,
            ["kv", _] => "GET, PUT, DELETE",
            ["kv", _, "cas"] => "POST",
            ["status"] => "GET",
            _ => "",
        };

        if (allowed is null)
        {
            return ApiErrors.BadRequest(ApiErrorCodes.KeyEmpty, "the key is empty; the path is /v1/kv/{key}");
        }

        if (allowed.Length == 0)
        {
            return ApiErrors.NotFound(ApiErrorCodes.NoRoute, "no such endpoint; the API is /v1/kv/{key}, /v1/kv/{key}/cas and /v1/status");
        }

        context.Response.Headers.Allow = allowed;
        return ApiErrors.MethodNotAllowed(method, allowed);
    }
}
