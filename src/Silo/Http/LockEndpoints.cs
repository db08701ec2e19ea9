using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Synod.Silo.Gateway;

namespace Synod.Silo.Http;

/// <summary>
/// <c>POST /v1/locks/{name}/acquire|renew|release</c> and <c>GET /v1/locks/{name}</c>: the lock and
/// lease service. The name is one percent-encoded path segment, like a key.
/// </summary>
internal static class LockEndpoints
{
    /// <summary>Largest request body: an owner of 128 bytes with JSON escapes fits many times over.</summary>
    public const int MaxBodyBytes = 4096;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/locks/{name}/acquire", AcquireAsync);
        api.MapPost("/locks/{name}/renew", RenewAsync);
        api.MapPost("/locks/{name}/release", ReleaseAsync);
        api.MapGet("/locks/{name}", GetAsync);
    }

    public static async Task<IResult> AcquireAsync(HttpContext context, [FromServices] ILockGateway gateway)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(gateway);
        if (!TryName(context, "acquire", out var name, out var error))
        {
            return error;
        }

        var (request, bodyError) = await ReadAsync(context, HttpApiJsonContext.Default.LockAcquireRequest, "{\"owner\", \"ttlMs\"}").ConfigureAwait(false);
        if (bodyError is not null)
        {
            return bodyError;
        }

        if (!TryOwner(request!.Owner, out var owner, out error) || !TryTtl(request.TtlMs, required: true, out var ttlMs, out error))
        {
            return error;
        }

        var outcome = await gateway.AcquireAsync(name, owner, ttlMs, context.RequestAborted).ConfigureAwait(false);
        return Answer(name, outcome);
    }

    public static async Task<IResult> RenewAsync(HttpContext context, [FromServices] ILockGateway gateway)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(gateway);
        if (!TryName(context, "renew", out var name, out var error))
        {
            return error;
        }

        var (request, bodyError) = await ReadAsync(context, HttpApiJsonContext.Default.LockRenewRequest, "{\"owner\", \"token\"} and optionally \"ttlMs\"").ConfigureAwait(false);
        if (bodyError is not null)
        {
            return bodyError;
        }

        if (!TryOwner(request!.Owner, out var owner, out error) || !TryToken(request.Token, out var token, out error)
            || !TryTtl(request.TtlMs, required: false, out var ttlMs, out error))
        {
            return error;
        }

        var outcome = await gateway.RenewAsync(name, owner, token, ttlMs, context.RequestAborted).ConfigureAwait(false);
        return Answer(name, outcome);
    }

    public static async Task<IResult> ReleaseAsync(HttpContext context, [FromServices] ILockGateway gateway)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(gateway);
        if (!TryName(context, "release", out var name, out var error))
        {
            return error;
        }

        var (request, bodyError) = await ReadAsync(context, HttpApiJsonContext.Default.LockReleaseRequest, "{\"owner\", \"token\"}").ConfigureAwait(false);
        if (bodyError is not null)
        {
            return bodyError;
        }

        if (!TryOwner(request!.Owner, out var owner, out error) || !TryToken(request.Token, out var token, out error))
        {
            return error;
        }

        var outcome = await gateway.ReleaseAsync(name, owner, token, context.RequestAborted).ConfigureAwait(false);
        return Answer(name, outcome);
    }

    public static async Task<IResult> GetAsync(HttpContext context, [FromServices] ILockGateway gateway)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(gateway);
        if (!TryName(context, null, out var name, out var error))
        {
            return error;
        }

        var outcome = await gateway.GetAsync(name, context.RequestAborted).ConfigureAwait(false);
        return Answer(name, outcome);
    }

    private static IResult Answer(string name, LockOutcome outcome) => outcome.Kind switch
    {
        LockOutcomeKind.Granted => Success(name, "granted", outcome),
        LockOutcomeKind.Ok when outcome.Token == 0 => Success(name, "released", outcome with { Owner = null }),
        LockOutcomeKind.Ok => Success(name, "renewed", outcome),
        LockOutcomeKind.Held => Success(name, "held", outcome),
        LockOutcomeKind.Free => Success(name, "free", outcome with { Token = 0, Owner = null }),
        LockOutcomeKind.Busy => Results.Json(
            new LockBusyResponse(
                $"the lock '{name}' is held by another owner; it is free after expiresAtMs + maxClockDriftMs",
                ApiErrorCodes.LockBusy, outcome.Owner, outcome.Token, outcome.ExpiresAtMs, outcome.NowMs, outcome.MaxClockDriftMs),
            HttpApiJsonContext.Default.LockBusyResponse,
            "application/json; charset=utf-8",
            StatusCodes.Status409Conflict),
        LockOutcomeKind.LeaseLost => ApiErrors.Conflict(ApiErrorCodes.LeaseLost, outcome.Message ?? "the lease is not held with that owner and token"),
        LockOutcomeKind.BadRequest => ApiErrors.BadRequest(ApiErrorCodes.BadRequest, outcome.Message ?? "the lock group refused the request as malformed"),
        LockOutcomeKind.LocksFull => ApiErrors.Conflict(ApiErrorCodes.LocksFull, outcome.Message ?? "the lock group holds its maximum number of leases; retry later"),
        _ => ApiErrors.Unavailable(ApiErrorCodes.Unavailable, outcome.Message ?? "the lock's group has no leader or no quorum right now; retry"),
    };

    private static IResult Success(string name, string state, LockOutcome outcome) =>
        Results.Json(
            new LockResponse(
                name,
                state,
                outcome.Token == 0 ? null : outcome.Token,
                outcome.Owner,
                outcome.Token == 0 ? null : outcome.ExpiresAtMs,
                outcome.NowMs,
                outcome.MaxClockDriftMs),
            HttpApiJsonContext.Default.LockResponse,
            "application/json; charset=utf-8");

    private static bool TryName(HttpContext context, string? action, [NotNullWhen(true)] out string? name, [NotNullWhen(false)] out ApiErrorResult? error)
    {
        name = null;
        error = null;
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        byte[]? bytes;
        if (string.IsNullOrEmpty(raw))
        {
            // No raw target (an in-memory test host): the routed value is the best there is.
            bytes = Encoding.UTF8.GetBytes(context.Request.RouteValues["name"] as string ?? "");
        }
        else if (!RequestKey.TryNamedSegment(raw, "locks", action, out bytes))
        {
            error = ApiErrors.BadRequest(ApiErrorCodes.LockNameInvalid, "the path must be /v1/locks/{name}[/acquire|/renew|/release] with the name percent-encoded as one segment ('/' as %2F)");
            return false;
        }

        if (bytes.Length == 0)
        {
            error = ApiErrors.BadRequest(ApiErrorCodes.LockNameEmpty, "the lock name is empty");
        }
        else if (bytes.Length > GrainLockGateway.MaxNameBytes)
        {
            error = ApiErrors.BadRequest(ApiErrorCodes.LockNameTooLarge, $"the lock name is {bytes.Length} bytes; the limit is {GrainLockGateway.MaxNameBytes} bytes of UTF-8");
        }
        else if (!Utf8.IsValid(bytes))
        {
            error = ApiErrors.BadRequest(ApiErrorCodes.LockNameInvalid, "the lock name is not valid UTF-8 once percent-decoded");
        }
        else
        {
            name = Encoding.UTF8.GetString(bytes);
        }

        return name is not null;
    }

    private static async Task<(T? Request, ApiErrorResult? Error)> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type, string fields)
        where T : class
    {
        var body = await BoundedBody.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            BoundedBody.CloseAfterResponse(context);
            return (null, ApiErrors.BadRequest(ApiErrorCodes.BodyTooLarge, $"the body is larger than the limit of {MaxBodyBytes} bytes"));
        }

        try
        {
            var request = JsonSerializer.Deserialize(body, type);
            return request is null
                ? (null, ApiErrors.BadRequest(ApiErrorCodes.BodyInvalid, $"the body must be a JSON object {fields}"))
                : (request, null);
        }
        catch (JsonException exception)
        {
            // Expected for any malformed body: bad JSON, an unknown field, a number out of range.
            var where = exception.Path is { Length: > 1 } path ? $" at {path}" : "";
            return (null, ApiErrors.BadRequest(ApiErrorCodes.BodyInvalid, $"the body is not valid{where}; it is a JSON object {fields}"));
        }
    }

    private static bool TryOwner(string? text, [NotNullWhen(true)] out string? owner, [NotNullWhen(false)] out ApiErrorResult? error)
    {
        owner = null;
        error = null;
        if (string.IsNullOrEmpty(text) || Encoding.UTF8.GetByteCount(text) > GrainLockGateway.MaxOwnerBytes)
        {
            error = ApiErrors.BadRequest(ApiErrorCodes.LockRequestInvalid, $"owner is required: 1 to {GrainLockGateway.MaxOwnerBytes} bytes of UTF-8, unique among the lock's users (for example host:pid)");
            return false;
        }

        owner = text;
        return true;
    }

    private static bool TryToken(ulong? given, out ulong token, [NotNullWhen(false)] out ApiErrorResult? error)
    {
        token = given ?? 0;
        error = token == 0 ? ApiErrors.BadRequest(ApiErrorCodes.LockRequestInvalid, "token is required: the fencing token the acquire answered (from 1)") : null;
        return error is null;
    }

    private static bool TryTtl(ulong? given, bool required, out ulong ttlMs, [NotNullWhen(false)] out ApiErrorResult? error)
    {
        ttlMs = given ?? 0;
        error = null;
        if ((given is null && required) || (given is { } ttl && (ttl == 0 || ttl > GrainLockGateway.MaxTtlMs)))
        {
            error = ApiErrors.BadRequest(ApiErrorCodes.LockRequestInvalid, $"ttlMs is {(required ? "required: " : "")}the lease in milliseconds, 1 to {GrainLockGateway.MaxTtlMs}");
            return false;
        }

        return true;
    }
}
