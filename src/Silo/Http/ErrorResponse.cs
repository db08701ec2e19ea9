namespace Synod.Silo.Http;

/// <summary>The body of every error answer: <c>{"error": "a sentence", "code": "a_stable_code"}</c>.</summary>
internal sealed record ErrorResponse(string Error, string Code);
