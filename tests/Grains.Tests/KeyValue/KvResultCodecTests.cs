using Google.Protobuf;
using Synod.Grains.KeyValue;
using KvResult = Synod.Grains.KeyValue.KvResult;
using WireResult = Synod.Grains.Interfaces.Wire.KvResult;
using WireStatus = Synod.Grains.Interfaces.Wire.KvResult.Types.Status;
using WireReason = Synod.Grains.Interfaces.Wire.KvResult.Types.RejectReason;

namespace Synod.Grains.Tests.KeyValue;

public sealed class KvResultCodecTests
{
    public static TheoryData<KvResult> EveryKind()
    {
        var data = new TheoryData<KvResult>
        {
            KvResult.Ok(),
            KvResult.Ok(ByteString.Empty),
            KvResult.Ok(KvHarness.Bytes("value")),
            KvResult.NotFound,
            KvResult.CasMismatch(null),
            KvResult.CasMismatch(KvHarness.Bytes("current")),
            KvResult.StaleRequest,
            KvResult.SessionExpired,
        };
        foreach (var reason in Enum.GetValues<KvRejectReason>().Where(r => r != KvRejectReason.None))
        {
            data.Add(KvResult.Rejected(reason));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryKind))]
    public void Every_result_kind_round_trips_through_its_wire_form(KvResult result)
    {
        // Proves each status, reason and value presence survives encoding to the KvResult message and back.
        Assert.True(KvResultCodec.TryDecode(KvResultCodec.Encode(result), out var decoded));
        Assert.Equal(result, decoded);
    }

    [Fact]
    public void Absent_and_empty_values_stay_distinct_on_the_wire()
    {
        // Proves the optional value field tells "no value" from "empty value".
        Assert.False(KvResultCodec.ToWire(KvResult.Ok()).HasValue);
        Assert.True(KvResultCodec.ToWire(KvResult.Ok(ByteString.Empty)).HasValue);
    }

    [Fact]
    public void Malformed_or_inconsistent_replies_are_refused()
    {
        // Proves a reply that no state machine produces (unknown status, value on NotFound, stray reason) does not decode.
        Assert.False(KvResultCodec.TryDecode([0xFF], out _));
        Assert.False(KvResultCodec.TryFromWire(new WireResult(), out _));
        Assert.False(KvResultCodec.TryFromWire(new WireResult { Status = (WireStatus)99 }, out _));
        Assert.False(KvResultCodec.TryFromWire(new WireResult { Status = WireStatus.NotFound, Value = ByteString.Empty }, out _));
        Assert.False(KvResultCodec.TryFromWire(new WireResult { Status = WireStatus.Ok, RejectReason = WireReason.KeyEmpty }, out _));
        Assert.False(KvResultCodec.TryFromWire(new WireResult { Status = WireStatus.Rejected }, out _));
    }
}
