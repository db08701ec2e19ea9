using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Mvc;
using Synod.Silo.Gateway;

namespace Synod.Silo.Http;

/// <summary><c>POST /v1/kv/{key}/cas</c>: see <see cref="CompareAndSetRequest"/> for the body.</summary>
internal sealed class CompareAndSetEndpoint(HttpApiLimits limits)
{
    private const string Fields = "expected | expectedText | expectedAbsent: true, and value | valueText | delete: true";

    public async Task<IResult> PostAsync(HttpContext context, [FromServices] IKeyValueGateway gateway)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(gateway);
        if (!RequestKey.TryRead(context, compareAndSet: true, limits.MaxKeyBytes, out var key, out var error)
            || !RequestIdHeader.TryRead(context.Request, out var requestId, out error)
            || !FenceHeader.TryRead(context.Request, out var fence, out error))
        {
            return error;
        }

        var body = await BoundedBody.ReadAsync(context.Request, limits.MaxCompareAndSetBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            BoundedBody.CloseAfterResponse(context);
            return ApiErrors.BadRequest(ApiErrorCodes.BodyTooLarge, $"the body is larger than the limit of {limits.MaxCompareAndSetBodyBytes} bytes; send large values in base64");
        }

        if (!TryParse(body, out var request, out error)
            || !TryResolve(request, out var expected, out var replacement, out error))
        {
            return error;
        }

        var outcome = await gateway.CompareAndSetAsync(key, expected, replacement, requestId, fence, context.RequestAborted).ConfigureAwait(false);
        return outcome.Kind switch
        {
            // A gateway may report "expected a value, found no key" as NotFound; to the caller it is a mismatch.
            KeyValueOutcomeKind.CasMismatch or KeyValueOutcomeKind.NotFound => Mismatch(outcome.Value),
            _ => KeyValueEndpoints.Written(context, outcome),
        };
    }

    private static IResult Mismatch(ReadOnlyMemory<byte>? current)
    {
        var bytes = current?.ToArray();
        var text = bytes is not null && Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : null;
        var response = new CompareAndSetMismatchResponse(
            bytes is null ? "the key is absent, not the expected value" : "the key's value is not the expected one",
            ApiErrorCodes.CompareAndSetMismatch,
            bytes,
            text);
        return Results.Json(response, HttpApiJsonContext.Default.CompareAndSetMismatchResponse, "application/json; charset=utf-8", StatusCodes.Status409Conflict);
    }

    private static bool TryParse(byte[] body, [NotNullWhen(true)] out CompareAndSetRequest? request, [NotNullWhen(false)] out ApiErrorResult? error)
    {
        error = null;
        try
        {
            request = JsonSerializer.Deserialize(body, HttpApiJsonContext.Default.CompareAndSetRequest);
        }
        catch (JsonException exception)
        {
            // Expected for any malformed body: bad JSON, an unknown field, a value that is not base64.
            // The message names the place, not the exception, which speaks of .NET types.
            var where = exception.Path is { Length: > 1 } path ? $" at {path}" : "";
            error = ApiErrors.BadRequest(ApiErrorCodes.BodyInvalid, $"the body is not a valid compare-and-set request{where}; it is a JSON object with {Fields}");
            request = null;
            return false;
        }

        if (request is null)
        {
            error = ApiErrors.BadRequest(ApiErrorCodes.BodyInvalid, $"the body must be a JSON object with {Fields}");
            return false;
        }

        return true;
    }

    private bool TryResolve(CompareAndSetRequest request, out ReadOnlyMemory<byte>? expected, out ReadOnlyMemory<byte>? replacement, [NotNullWhen(false)] out ApiErrorResult? error)
    {
        expected = null;
        replacement = null;
        var expectations = (request.Expected is null ? 0 : 1) + (request.ExpectedText is null ? 0 : 1) + (request.ExpectedAbsent ? 1 : 0);
        var replacements = (request.Value is null ? 0 : 1) + (request.ValueText is null ? 0 : 1) + (request.Delete ? 1 : 0);
        if (expectations != 1)
        {
            error = ApiErrors.BadRequest(ApiErrorCodes.CompareAndSetInvalid, "give exactly one of expected (base64), expectedText or expectedAbsent: true");
            return false;
        }

        if (replacements != 1)
        {
            error = ApiErrors.BadRequest(ApiErrorCodes.CompareAndSetInvalid, "give exactly one of value (base64), valueText or delete: true");
            return false;
        }

        if (!TryValue(request.Expected, request.ExpectedText, "expected", out var expectedBytes, out error)
            || !TryValue(request.Value, request.ValueText, "value", out var replacementBytes, out error))
        {
            return false;
        }

        expected = Optional(expectedBytes);
        replacement = Optional(replacementBytes);
        return true;
    }

    // Spelled out because the short forms are wrong: byte[]'s implicit conversion turns a null array
    // into an empty, non-null ReadOnlyMemory, and even in "b is null ? null : new ReadOnlyMemory(b)"
    // the null literal goes through it, so "absent" would read as "the empty value".
    private static ReadOnlyMemory<byte>? Optional(byte[]? bytes) => bytes is null ? default(ReadOnlyMemory<byte>?) : new ReadOnlyMemory<byte>(bytes);

    // Null in, null out: the field was not given (absent / delete).
    private bool TryValue(byte[]? bytes, string? text, string field, out byte[]? value, [NotNullWhen(false)] out ApiErrorResult? error)
    {
        error = null;
        value = bytes;
        if (text is not null)
        {
            // System.Text.Json has already refused strings that are not valid UTF-16, so this cannot fail.
            value = Encoding.UTF8.GetBytes(text);
        }

        if (value is not null && value.Length > limits.MaxValueBytes)
        {
            error = ApiErrors.BadRequest(ApiErrorCodes.ValueTooLarge, $"{field} is {value.Length} bytes; the limit is {limits.MaxValueBytes}");
            return false;
        }

        return true;
    }
}
