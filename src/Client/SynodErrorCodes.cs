namespace Synod.Client;

/// <summary>
/// The values of <see cref="SynodException.Code"/>. Codes the cluster sends (the <c>code</c> of its
/// JSON error body) pass through unchanged; the rest are the client's own.
/// </summary>
public static class SynodErrorCodes
{
    /// <summary>No gateway gave an answer within <see cref="SynodClientOptions.MaxAttempts"/> attempts (connection failures, timeouts, 503s).</summary>
    public const string Unavailable = "unavailable";

    /// <summary>The request was malformed in a way the cluster did not name more precisely (400).</summary>
    public const string BadRequest = "bad_request";

    /// <summary>The key is longer than the cluster's limit (1024 bytes of UTF-8 by default).</summary>
    public const string KeyTooLarge = "key_too_large";

    /// <summary>The key cannot be addressed (not valid UTF-8, or <c>.</c> / <c>..</c>).</summary>
    public const string KeyInvalid = "key_invalid";

    /// <summary>The value is longer than the cluster's limit (1 MiB by default).</summary>
    public const string ValueTooLarge = "value_too_large";

    /// <summary>
    /// The request's session is no longer known to the cluster: this attempt was not applied, but an
    /// earlier one may have been. The client drops the session and uses a fresh one from then on.
    /// </summary>
    public const string SessionExpired = "session_expired";

    /// <summary>A silo failed while handling the request (500); its log says why.</summary>
    public const string Internal = "internal";

    /// <summary>
    /// The key belongs to a PBFT group, which a gateway does not answer for (421 from the HTTP API);
    /// <see cref="SynodClient"/> handles it by speaking PBFT, so callers see it only from raw HTTP.
    /// </summary>
    public const string PbftGroup = "pbft_group";

    /// <summary>The key belongs to a PBFT group and the client has no <see cref="SynodClientOptions.PbftClientSecret"/>.</summary>
    public const string PbftKeysRequired = "pbft_keys_required";

    /// <summary>A gateway answered something this client does not understand (wrong address, or a different version).</summary>
    public const string Protocol = "protocol";

    /// <summary>
    /// A fenced write was refused: a higher fencing token has been seen for its lock, so a later
    /// holder has written (409). Nothing was changed; the caller has lost its lock.
    /// </summary>
    public const string Fenced = "fenced";

    /// <summary>A fence was malformed (an empty or too long lock name, token 0).</summary>
    public const string FenceInvalid = "fence_invalid";

    /// <summary>Another owner holds the lock (409). <see cref="SynodClient.AcquireLockAsync(string, string, TimeSpan, CancellationToken)"/> answers it as a <see cref="SynodLockAttempt"/>, not as this code.</summary>
    public const string LockBusy = "lock_busy";

    /// <summary>The lease is not held with that owner and token (expired, released, or granted to another) (409). Renew and release answer it as a value.</summary>
    public const string LeaseLost = "lease_lost";

    /// <summary>A lock request was malformed: owner, ttl or token missing or out of range.</summary>
    public const string LockRequestInvalid = "lock_request_invalid";

    /// <summary>The lock's group holds its maximum number of leases; a later retry may succeed.</summary>
    public const string LocksFull = "locks_full";
}
