namespace Synod.Client;

/// <summary>An error body of the HTTP API: <c>{"error", "code"}</c>, with <c>current</c> on a compare-and-set mismatch.</summary>
internal sealed record WireError(string? Error, string? Code, byte[]? Current = null);
