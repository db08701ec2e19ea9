namespace Synod.Client;

/// <summary>
/// A key-value operation that did not complete. <see cref="Code"/> says why in a stable word (see
/// <see cref="SynodErrorCodes"/>); a negative answer that is part of the API — a key that is
/// absent, a compare-and-set that did not match — is a return value, never this exception.
/// </summary>
public sealed class SynodException : Exception
{
    /// <summary>Creates an exception with a code and a sentence.</summary>
    public SynodException(string code, string message, int? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        StatusCode = statusCode;
    }

    /// <summary>A stable, machine-readable reason, such as <c>unavailable</c> or <c>value_too_large</c>.</summary>
    public string Code { get; }

    /// <summary>The HTTP status of the last answer, when there was one.</summary>
    public int? StatusCode { get; }

    /// <summary>
    /// Whether a write may have been applied although this exception was thrown: true when the
    /// retries ran out (an earlier attempt may have reached the cluster), when a silo failed, and
    /// when the request's session expired (an earlier attempt may have been applied before it did,
    /// thesis §6.3); false when the cluster refused the request.
    /// </summary>
    public bool OutcomeUnknown => Code is SynodErrorCodes.Unavailable or SynodErrorCodes.Internal or SynodErrorCodes.SessionExpired;
}
