using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
using Synod.Silo.Gateway;

namespace Synod.Silo.Http;

/// <summary>
/// The optional <c>Synod-Fence</c> header of a key-value write: <c>NAME:TOKEN</c>, where NAME is
/// the lock's name percent-encoded as UTF-8 (1 to 256 bytes once decoded; visible ASCII
/// other than <c>%</c> and <c>,</c> may stand as itself) and TOKEN the fencing token of its grant, a decimal number from 1
/// to 2^64-1 without leading zeros. The split is at the last ':', so a name may contain ':'. The
/// group applies the write only if no higher token has been seen for that lock (409 fenced).
/// </summary>
internal static class FenceHeader
{
    public const string Name = "Synod-Fence";

    private const string Shape = Name + " must be NAME:TOKEN, NAME the lock's name percent-encoded (1-256 bytes of UTF-8), TOKEN its fencing token, a number from 1 to 18446744073709551615 without leading zeros";

    /// <summary>Reads the header: true with null when absent, true with the fence when well formed.</summary>
    public static bool TryRead(HttpRequest request, out KeyValueFence? fence, [NotNullWhen(false)] out ApiErrorResult? error)
    {
        fence = null;
        error = null;
        var values = request.Headers[Name];
        if (values.Count == 0)
        {
            return true;
        }

        if (values.Count > 1)
        {
            error = ApiErrors.BadRequest(ApiErrorCodes.FenceInvalid, $"{Name} was given {values.Count} times; give it once");
            return false;
        }

        fence = Parse(values[0] ?? "");
        if (fence is null)
        {
            error = ApiErrors.BadRequest(ApiErrorCodes.FenceInvalid, Shape);
            return false;
        }

        return true;
    }

    /// <summary>The fence a header value spells, or null when it is malformed.</summary>
    public static KeyValueFence? Parse(string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon < 1 || !TryToken(value.AsSpan(colon + 1), out var token) || !IsEncodedName(value.AsSpan(0, colon))
            || !RequestKey.TryPercentDecode(value[..colon], out var name)
            || name.Length is 0 or > GrainLockGateway.MaxNameBytes || !Utf8.IsValid(name))
        {
            return null;
        }

        return new KeyValueFence(Encoding.UTF8.GetString(name), token);
    }

    // Visible ASCII but ',': a repeated header arrives joined as "a:1, a:2", which must not read as the name "a:1, a".
    private static bool IsEncodedName(ReadOnlySpan<char> name)
    {
        foreach (var c in name)
        {
            if (c is < '!' or > '~' or ',')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A token as the API spells it: 1 to 20 decimal digits, no leading zero, at most 2^64-1.</summary>
    public static bool TryToken(ReadOnlySpan<char> text, out ulong token)
    {
        token = 0;
        return text.Length is > 0 and <= 20 && text[0] != '0'
            && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out token);
    }
}
