using System.Diagnostics.CodeAnalysis;
using System.Text;
using Google.Protobuf;

namespace Synod.Grains.KeyValue;

/// <summary>
/// The answer to a key-value command or read. Immutable and compared by content, so a saved
/// session response and a fresh one can be checked for equality. Its wire form is the KvResult
/// message of kv.proto (see <see cref="KvResultCodec"/>).
/// </summary>
public sealed record KvResult
{
    private static readonly KvResult OkWithoutValue = new(KvStatus.Ok, null, KvRejectReason.None);

    private KvResult(KvStatus status, ByteString? value, KvRejectReason rejectReason)
    {
        Status = status;
        Value = value;
        RejectReason = rejectReason;
    }

    /// <summary>The key is absent.</summary>
    public static KvResult NotFound { get; } = new(KvStatus.NotFound, null, KvRejectReason.None);

    /// <summary>The session has already applied a later request.</summary>
    public static KvResult StaleRequest { get; } = new(KvStatus.StaleRequest, null, KvRejectReason.None);

    /// <summary>The client id has no session; the request was not applied.</summary>
    public static KvResult SessionExpired { get; } = new(KvStatus.SessionExpired, null, KvRejectReason.None);

    /// <summary>The write's fencing token is lower than one already seen for its lock.</summary>
    public static KvResult Fenced { get; } = new(KvStatus.Fenced, null, KvRejectReason.None);

    public KvStatus Status { get; }

    /// <summary>
    /// For <see cref="KvStatus.Ok"/>: a read's value, or the value a write replaced when the command
    /// asked for it. For <see cref="KvStatus.CasMismatch"/>: the current value. Null means absent.
    /// </summary>
    public ByteString? Value { get; }

    /// <summary><see cref="KvRejectReason.None"/> unless <see cref="Status"/> is <see cref="KvStatus.Rejected"/>.</summary>
    public KvRejectReason RejectReason { get; }

    /// <summary>Applied or found; <paramref name="value"/> as described on <see cref="Value"/>.</summary>
    public static KvResult Ok(ByteString? value = null) =>
        value is null ? OkWithoutValue : new(KvStatus.Ok, value, KvRejectReason.None);

    /// <summary>The expectation did not hold; <paramref name="current"/> is null when the key is absent.</summary>
    public static KvResult CasMismatch(ByteString? current) => new(KvStatus.CasMismatch, current, KvRejectReason.None);

    public static KvResult Rejected(KvRejectReason reason)
    {
        ArgumentOutOfRangeException.ThrowIfEqual(reason, KvRejectReason.None);
        return new(KvStatus.Rejected, null, reason);
    }

    /// <summary>
    /// Builds a result from decoded parts (a reply or a snapshot), refusing combinations that no
    /// state machine produces: a value on a status that carries none, a reason without Rejected.
    /// </summary>
    internal static bool TryCreate(KvStatus status, ByteString? value, KvRejectReason reason, [NotNullWhen(true)] out KvResult? result)
    {
        result = null;
        var carriesValue = status is KvStatus.Ok or KvStatus.CasMismatch;
        if (value is not null && !carriesValue)
        {
            return false;
        }

        if ((status == KvStatus.Rejected) != (reason != KvRejectReason.None) || reason > KvRejectReason.FencesFull)
        {
            return false;
        }

        result = status switch
        {
            KvStatus.Ok => Ok(value),
            KvStatus.NotFound => NotFound,
            KvStatus.CasMismatch => CasMismatch(value),
            KvStatus.StaleRequest => StaleRequest,
            KvStatus.SessionExpired => SessionExpired,
            KvStatus.Rejected => Rejected(reason),
            KvStatus.Fenced => Fenced,
            _ => null,
        };
        return result is not null;
    }

    /// <summary>Whether a session may keep this as the response to its last applied request.</summary>
    internal bool IsAppliedOutcome =>
        Status is KvStatus.Ok or KvStatus.NotFound or KvStatus.CasMismatch or KvStatus.Fenced
        || (Status == KvStatus.Rejected && RejectReason is KvRejectReason.StoreFull or KvRejectReason.FencesFull);

    public override string ToString()
    {
        var text = new StringBuilder(Status.ToString());
        if (RejectReason != KvRejectReason.None)
        {
            text.Append('(').Append(RejectReason).Append(')');
        }

        if (Value is not null)
        {
            text.Append(" value=").Append(Describe(Value));
        }

        return text.ToString();
    }

    private static string Describe(ByteString bytes)
    {
        const int shown = 32;
        var span = bytes.Span[..Math.Min(bytes.Length, shown)];
        var printable = !span.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E);
        var text = printable ? "\"" + Encoding.ASCII.GetString(span) + "\"" : Convert.ToHexString(span);
        return bytes.Length > shown ? text + "... (" + bytes.Length + " bytes)" : text;
    }
}
