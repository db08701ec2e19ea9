using System.Diagnostics.CodeAnalysis;
using Google.Protobuf;
using WireResult = Synod.Grains.Interfaces.Wire.KvResult;
using WireStatus = Synod.Grains.Interfaces.Wire.KvResult.Types.Status;
using WireReason = Synod.Grains.Interfaces.Wire.KvResult.Types.RejectReason;

namespace Synod.Grains.KeyValue;

/// <summary>
/// Maps <see cref="KvResult"/> to and from its wire form, the KvResult message of kv.proto, which a
/// replica sends back to the client. Every status and reason is mapped by name, never by number.
/// </summary>
public static class KvResultCodec
{
    public static WireResult ToWire(KvResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var wire = new WireResult { Status = ToWire(result.Status), RejectReason = ToWire(result.RejectReason) };
        if (result.Value is not null)
        {
            wire.Value = result.Value;
        }

        return wire;
    }

    public static byte[] Encode(KvResult result) => ToWire(result).ToByteArray();

    /// <summary>
    /// Reads a wire result; false if its status or reason is unknown to this version, or it carries
    /// a value or reason its status never has.
    /// </summary>
    public static bool TryFromWire(WireResult wire, [NotNullWhen(true)] out KvResult? result)
    {
        ArgumentNullException.ThrowIfNull(wire);
        result = null;
        var status = FromWire(wire.Status);
        var reason = FromWire(wire.RejectReason);
        return status is not null && reason is not null
            && KvResult.TryCreate(status.Value, wire.HasValue ? wire.Value : null, reason.Value, out result);
    }

    /// <summary>Decodes a reply; false if the bytes are not a well-formed result.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out KvResult? result)
    {
        WireResult wire;
        try
        {
            wire = WireResult.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            // Safe: the parser reports every malformed input this way and has built no state.
            result = null;
            return false;
        }

        return TryFromWire(wire, out result);
    }

    private static WireStatus ToWire(KvStatus status) => status switch
    {
        KvStatus.Ok => WireStatus.Ok,
        KvStatus.NotFound => WireStatus.NotFound,
        KvStatus.CasMismatch => WireStatus.CasMismatch,
        KvStatus.StaleRequest => WireStatus.StaleRequest,
        KvStatus.SessionExpired => WireStatus.SessionExpired,
        KvStatus.Rejected => WireStatus.Rejected,
        KvStatus.Fenced => WireStatus.Fenced,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown status"),
    };

    private static KvStatus? FromWire(WireStatus status) => status switch
    {
        WireStatus.Ok => KvStatus.Ok,
        WireStatus.NotFound => KvStatus.NotFound,
        WireStatus.CasMismatch => KvStatus.CasMismatch,
        WireStatus.StaleRequest => KvStatus.StaleRequest,
        WireStatus.SessionExpired => KvStatus.SessionExpired,
        WireStatus.Rejected => KvStatus.Rejected,
        WireStatus.Fenced => KvStatus.Fenced,
        _ => null,
    };

    private static WireReason ToWire(KvRejectReason reason) => reason switch
    {
        KvRejectReason.None => WireReason.Unspecified,
        KvRejectReason.CommandTooLarge => WireReason.CommandTooLarge,
        KvRejectReason.Undecodable => WireReason.Undecodable,
        KvRejectReason.UnknownOperation => WireReason.UnknownOperation,
        KvRejectReason.MissingRequestId => WireReason.MissingRequestId,
        KvRejectReason.ClientIdEmpty => WireReason.ClientIdEmpty,
        KvRejectReason.ClientIdTooLong => WireReason.ClientIdTooLong,
        KvRejectReason.SequenceZero => WireReason.SequenceZero,
        KvRejectReason.KeyEmpty => WireReason.KeyEmpty,
        KvRejectReason.KeyTooLong => WireReason.KeyTooLong,
        KvRejectReason.ValueTooLong => WireReason.ValueTooLong,
        KvRejectReason.MissingExpectation => WireReason.MissingExpectation,
        KvRejectReason.MissingReplacement => WireReason.MissingReplacement,
        KvRejectReason.IndexInFuture => WireReason.IndexInFuture,
        KvRejectReason.StoreFull => WireReason.StoreFull,
        KvRejectReason.FenceInvalid => WireReason.FenceInvalid,
        KvRejectReason.FencesFull => WireReason.FencesFull,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "unknown reject reason"),
    };

    private static KvRejectReason? FromWire(WireReason reason) => reason switch
    {
        WireReason.Unspecified => KvRejectReason.None,
        WireReason.CommandTooLarge => KvRejectReason.CommandTooLarge,
        WireReason.Undecodable => KvRejectReason.Undecodable,
        WireReason.UnknownOperation => KvRejectReason.UnknownOperation,
        WireReason.MissingRequestId => KvRejectReason.MissingRequestId,
        WireReason.ClientIdEmpty => KvRejectReason.ClientIdEmpty,
        WireReason.ClientIdTooLong => KvRejectReason.ClientIdTooLong,
        WireReason.SequenceZero => KvRejectReason.SequenceZero,
        WireReason.KeyEmpty => KvRejectReason.KeyEmpty,
        WireReason.KeyTooLong => KvRejectReason.KeyTooLong,
        WireReason.ValueTooLong => KvRejectReason.ValueTooLong,
        WireReason.MissingExpectation => KvRejectReason.MissingExpectation,
        WireReason.MissingReplacement => KvRejectReason.MissingReplacement,
        WireReason.IndexInFuture => KvRejectReason.IndexInFuture,
        WireReason.StoreFull => KvRejectReason.StoreFull,
        WireReason.FenceInvalid => KvRejectReason.FenceInvalid,
        WireReason.FencesFull => KvRejectReason.FencesFull,
        _ => null,
    };
}
