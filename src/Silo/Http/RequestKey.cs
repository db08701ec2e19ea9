using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;

namespace Synod.Silo.Http;

/// <summary>
/// Reads the key of a <c>/v1/kv/{key}</c> request. A key is one path segment, percent-encoded
/// (RFC 3986): any UTF-8 text of 1 to <see cref="HttpApiLimits.MaxKeyBytes"/> bytes, with '/'
/// sent as <c>%2F</c>. Kestrel decodes the path before routing but leaves <c>%2F</c> encoded (a
/// decoded '/' would change the path's segments), so the routed value cannot tell the key
/// <c>a/b</c> (<c>a%2Fb</c>) from the key <c>a%2Fb</c> (<c>a%252Fb</c>). The raw request target
/// is exact, so the key is taken from it and percent-decoded once, here. The keys <c>.</c> and
/// <c>..</c> cannot be addressed: URL normalisation removes such segments before routing. Bytes
/// outside ASCII must be percent-encoded: Kestrel refuses a raw one with a bare 400 before routing.
/// </summary>
internal static class RequestKey
{
    public static bool TryRead(HttpContext context, bool compareAndSet, int maxKeyBytes, [NotNullWhen(true)] out string? key, [NotNullWhen(false)] out ApiErrorResult? error)
    {
        key = null;
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        byte[]? bytes;
        if (string.IsNullOrEmpty(raw))
        {
            // No raw target (an in-memory test host): the routed value is the best there is.
            var routed = context.Request.RouteValues["key"] as string ?? "";
            bytes = Encoding.UTF8.GetBytes(routed);
        }
        else if (!TryKeySegment(raw, compareAndSet, out bytes))
        {
            error = ApiErrors.BadRequest(
                ApiErrorCodes.KeyInvalid,
                "the path must be /v1/kv/{key} or /v1/kv/{key}/cas with the key percent-encoded as one segment ('/' as %2F); the keys '.' and '..' cannot be addressed");
            return false;
        }

        return TryValidate(bytes, maxKeyBytes, out key, out error);
    }

    private static bool TryValidate(byte[] bytes, int maxKeyBytes, [NotNullWhen(true)] out string? key, [NotNullWhen(false)] out ApiErrorResult? error)
    {
        key = null;
        error = null;
        if (bytes.Length == 0)
        {
            error = ApiErrors.BadRequest(ApiErrorCodes.KeyEmpty, "the key is empty");
        }
        else if (bytes.Length > maxKeyBytes)
        {
            error = ApiErrors.BadRequest(ApiErrorCodes.KeyTooLarge, $"the key is {bytes.Length} bytes; the limit is {maxKeyBytes} bytes of UTF-8");
        }
        else if (!Utf8.IsValid(bytes))
        {
            error = ApiErrors.BadRequest(ApiErrorCodes.KeyInvalid, "the key is not valid UTF-8 once percent-decoded");
        }
        else
        {
            key = Encoding.UTF8.GetString(bytes);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Finds the key's segment in a raw target (origin form <c>/…</c> or absolute form
    /// <c>http://host/…</c>) and percent-decodes it. False when the segments around it are not
    /// <c>v1/kv/KEY[/cas]</c>, which also catches dot segments that normalisation removed.
    /// </summary>
    internal static bool TryKeySegment(string rawTarget, bool compareAndSet, [NotNullWhen(true)] out byte[]? key) =>
        TryNamedSegment(rawTarget, "kv", compareAndSet ? "cas" : null, out key);

    /// <summary>
    /// Finds the segment after <c>v1/{collection}/</c> in a raw target (followed by <paramref name="action"/>
    /// when given, and nothing else) and percent-decodes it; false when the target has another shape.
    /// </summary>
    internal static bool TryNamedSegment(string rawTarget, string collection, string? action, [NotNullWhen(true)] out byte[]? key)
    {
        key = null;
        var path = rawTarget.AsSpan();
        var end = path.IndexOfAny('?', '#');
        if (end >= 0)
        {
            path = path[..end];
        }

        if (!path.StartsWith('/'))
        {
            var scheme = path.IndexOf("://", StringComparison.Ordinal);
            var slash = scheme < 0 ? -1 : path[(scheme + 3)..].IndexOf('/');
            if (slash < 0)
            {
                return false;
            }

            path = path[(scheme + 3 + slash)..];
        }

        var segments = path.ToString().Split('/');
        var keyIndex = segments.Length - (action is null ? 1 : 2);
        if (keyIndex < 2 || !IsSegment(segments[keyIndex - 2], "v1") || !IsSegment(segments[keyIndex - 1], collection)
            || (action is not null && !IsSegment(segments[^1], action)))
        {
            return false;
        }

        foreach (var segment in segments)
        {
            if (IsSegment(segment, ".") || IsSegment(segment, ".."))
            {
                return false;
            }
        }

        return TryPercentDecode(segments[keyIndex], out key);
    }

    // Routing matches the fixed segments without regard to case, so this check does too.
    private static bool IsSegment(string raw, string expected) =>
        TryPercentDecode(raw, out var bytes) && Encoding.ASCII.GetString(bytes).Equals(expected, StringComparison.OrdinalIgnoreCase);

    internal static bool TryPercentDecode(string segment, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        var output = new List<byte>(segment.Length);
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (c == '%')
            {
                if (i + 2 >= segment.Length || !char.IsAsciiHexDigit(segment[i + 1]) || !char.IsAsciiHexDigit(segment[i + 2]))
                {
                    return false;
                }

                output.Add((byte)((HexValue(segment[i + 1]) << 4) | HexValue(segment[i + 2])));
                i += 2;
            }
            else if (char.IsAscii(c))
            {
                output.Add((byte)c);
            }
            else
            {
                // Kestrel refuses a target with raw non-ASCII bytes before routing; anything else sends it encoded.
                return false;
            }
        }

        bytes = [.. output];
        return true;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
