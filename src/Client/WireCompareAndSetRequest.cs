namespace Synod.Client;

/// <summary>The body of <c>POST /v1/kv/{key}/cas</c> as the client sends it (values in base64).</summary>
internal sealed record WireCompareAndSetRequest(byte[]? Expected, bool ExpectedAbsent, byte[]? Value, bool Delete);
