using System.Diagnostics.CodeAnalysis;

namespace Synod.Silo.Http;

/// <summary>
/// The optional <c>Synod-Request-Id</c> header: <c>CLIENT:SEQUENCE</c>, where CLIENT is 1 to 64
/// characters of <c>A-Z a-z 0-9 _ -</c> (a random id in base64url fits) and SEQUENCE is a decimal
/// number from 1 to 2^64-1 without leading zeros, so one request has exactly one spelling. It is
/// the session of Ongaro's thesis §6.3: the state machine applies each (CLIENT, SEQUENCE) once and
/// answers a retry with the saved response. A client keeps at most one request outstanding per
/// CLIENT and numbers them upwards.
/// </summary>
internal static class RequestIdHeader
{
    public const string Name = "Synod-Request-Id";

    /// <summary>Longest CLIENT part; the key-value state machine's <c>MaxClientIdBytes</c>.</summary>
    public const int MaxClientIdLength = 64;

    /// <summary>Reads the header: true with null when absent, true with the id when well formed.</summary>
    public static bool TryRead(HttpRequest request, out string? requestId, [NotNullWhen(false)] out ApiErrorResult? error)
    {
        requestId = null;
        error = null;
        var values = request.Headers[Name];
        if (values.Count == 0)
        {
            return true;
        }

        if (values.Count > 1)
        {
            error = ApiErrors.BadRequest(ApiErrorCodes.RequestIdInvalid, $"{Name} was given {values.Count} times; give it once");
            return false;
        }

        var value = values[0] ?? "";
        if (!IsWellFormed(value))
        {
            error = ApiErrors.BadRequest(
                ApiErrorCodes.RequestIdInvalid,
                $"{Name} must be CLIENT:SEQUENCE, CLIENT 1-{MaxClientIdLength} characters of A-Z a-z 0-9 _ -, SEQUENCE a number from 1 to 18446744073709551615 without leading zeros");
            return false;
        }

        requestId = value;
        return true;
    }

    public static bool IsWellFormed(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon is < 1 or > MaxClientIdLength)
        {
            return false;
        }

        foreach (var c in value.AsSpan(0, colon))
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }

        var sequence = value.AsSpan(colon + 1);
        if (sequence.Length is 0 or > 20 || sequence[0] == '0')
        {
            return false;
        }

        foreach (var c in sequence)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        // Digits only, at most 20 of them: TryParse fails only on overflow past 2^64-1.
        return ulong.TryParse(sequence, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _);
    }
}
