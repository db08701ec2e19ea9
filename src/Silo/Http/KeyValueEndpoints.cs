using Microsoft.AspNetCore.Mvc;
using Synod.Silo.Gateway;

namespace Synod.Silo.Http;

/// <summary><c>GET</c>, <c>PUT</c> and <c>DELETE /v1/kv/{key}</c>; writes may carry a <see cref="FenceHeader"/>.</summary>
internal sealed class KeyValueEndpoints(HttpApiLimits limits)
{
    /// <summary>The header that carries the log index a read or write was served at, when known.</summary>
    public const string IndexHeader = "Synod-Index";

    public async Task<IResult> GetAsync(HttpContext context, [FromServices] IKeyValueGateway gateway)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(gateway);
        if (!RequestKey.TryRead(context, compareAndSet: false, limits.MaxKeyBytes, out var key, out var error)
            || !RequestIdHeader.TryRead(context.Request, out _, out error))
        {
            return error;
        }

        var outcome = await gateway.GetAsync(key, context.RequestAborted).ConfigureAwait(false);
        if (outcome.Kind != KeyValueOutcomeKind.Ok)
        {
            return OutcomeResults.Failure(outcome);
        }

        var value = outcome.Value ?? throw new InvalidOperationException("the gateway answered a read Ok without a value");
        SetIndexHeader(context, outcome);
        return Results.Bytes(value, "application/octet-stream");
    }

    public async Task<IResult> PutAsync(HttpContext context, [FromServices] IKeyValueGateway gateway)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(gateway);
        if (!RequestKey.TryRead(context, compareAndSet: false, limits.MaxKeyBytes, out var key, out var error)
            || !RequestIdHeader.TryRead(context.Request, out var requestId, out error)
            || !FenceHeader.TryRead(context.Request, out var fence, out error))
        {
            return error;
        }

        var value = await BoundedBody.ReadAsync(context.Request, limits.MaxValueBytes, context.RequestAborted).ConfigureAwait(false);
        if (value is null)
        {
            BoundedBody.CloseAfterResponse(context);
            return ApiErrors.BadRequest(ApiErrorCodes.ValueTooLarge, $"the value is larger than the limit of {limits.MaxValueBytes} bytes");
        }

        var outcome = await gateway.PutAsync(key, value, requestId, fence, context.RequestAborted).ConfigureAwait(false);
        return Written(context, outcome);
    }

    public async Task<IResult> DeleteAsync(HttpContext context, [FromServices] IKeyValueGateway gateway)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(gateway);
        if (!RequestKey.TryRead(context, compareAndSet: false, limits.MaxKeyBytes, out var key, out var error)
            || !RequestIdHeader.TryRead(context.Request, out var requestId, out error)
            || !FenceHeader.TryRead(context.Request, out var fence, out error))
        {
            return error;
        }

        var outcome = await gateway.DeleteAsync(key, requestId, fence, context.RequestAborted).ConfigureAwait(false);
        return Written(context, outcome);
    }

    internal static IResult Written(HttpContext context, KeyValueOutcome outcome)
    {
        if (outcome.Kind != KeyValueOutcomeKind.Ok)
        {
            return OutcomeResults.Failure(outcome);
        }

        SetIndexHeader(context, outcome);
        return OutcomeResults.Written(outcome);
    }

    private static void SetIndexHeader(HttpContext context, KeyValueOutcome outcome)
    {
        if (outcome.Index > 0)
        {
            context.Response.Headers[IndexHeader] = outcome.Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
