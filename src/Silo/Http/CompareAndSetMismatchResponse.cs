using System.Text.Json.Serialization;

namespace Synod.Silo.Http;

/// <summary>
/// The 409 body of a compare-and-set whose expectation did not hold. <see cref="Current"/> is the
/// key's value in base64, or null when the key is absent (always written, so absent is explicit);
/// <see cref="CurrentText"/> is the same value as a string when it is valid UTF-8, else omitted.
/// </summary>
internal sealed record CompareAndSetMismatchResponse(
    string Error,
    string Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] byte[]? Current,
    string? CurrentText);
