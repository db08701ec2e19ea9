namespace Synod.Silo.Http;

/// <summary>
/// The body of <c>POST /v1/kv/{key}/cas</c>. Exactly one expectation — <see cref="Expected"/>
/// (base64), <see cref="ExpectedText"/> (a UTF-8 string) or <see cref="ExpectedAbsent"/> — and
/// exactly one replacement — <see cref="Value"/> (base64), <see cref="ValueText"/> or
/// <see cref="Delete"/>. JSON null counts as not given, so absence is always said explicitly.
/// </summary>
internal sealed class CompareAndSetRequest
{
    public byte[]? Expected { get; set; }

    public string? ExpectedText { get; set; }

    public bool ExpectedAbsent { get; set; }

    public byte[]? Value { get; set; }

    public string? ValueText { get; set; }

    public bool Delete { get; set; }
}
