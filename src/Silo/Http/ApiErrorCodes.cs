namespace Synod.Silo.Http;

/// <summary>
/// The machine-readable <c>code</c> of every error body. Stable: clients switch on them, so a code
/// is never renamed or reused for another meaning.
/// </summary>
internal static class ApiErrorCodes
{
    public const string KeyEmpty = "key_empty";
    public const string KeyTooLarge = "key_too_large";
    public const string KeyInvalid = "key_invalid";
    public const string ValueTooLarge = "value_too_large";
    public const string BodyTooLarge = "body_too_large";
    public const string BodyInvalid = "body_invalid";
    public const string RequestIdInvalid = "request_id_invalid";
    public const string CompareAndSetInvalid = "cas_invalid";
    public const string BadRequest = "bad_request";
    public const string NotFound = "not_found";
    public const string NoRoute = "no_route";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string CompareAndSetMismatch = "cas_mismatch";
    public const string Unavailable = "unavailable";
    public const string ShuttingDown = "shutting_down";
    public const string Internal = "internal";
    public const string MoveInvalid = "move_invalid";
    public const string DirectoryRefused = "directory_refused";
    public const string ProofInvalid = "proof_invalid";
    public const string PbftGroup = "pbft_group";
    public const string LockNameEmpty = "lock_name_empty";
    public const string LockNameTooLarge = "lock_name_too_large";
    public const string LockNameInvalid = "lock_name_invalid";
    public const string LockRequestInvalid = "lock_request_invalid";
    public const string LockBusy = "lock_busy";
    public const string LeaseLost = "lease_lost";
    public const string LocksFull = "locks_full";
    public const string FenceInvalid = "fence_invalid";
    public const string Fenced = "fenced";
    public const string SessionExpired = "session_expired";
}
