using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.Interfaces.Pbft;

/// <summary>
/// The MAC on a PBFT replica's reply to a client (Castro and Liskov §4.1: ⟨REPLY, v, t, c, i, r⟩
/// authenticated with the key replica i shares with client c). The client checks it before counting
/// the reply towards the f+1 matching replies, so no silo can speak for a replica it does not host.
/// </summary>
public static class PbftReplyMac
{
    /// <summary>Bytes of a MAC (HMAC-SHA256).</summary>
    public const int MacBytes = 32;

    /// <summary>The canonical bytes the MAC covers: group, view, client, timestamp, replica and result.</summary>
    public static byte[] SignedBytes(string group, PbftReply reply)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(reply);
        byte[] name = Encoding.UTF8.GetBytes(group);
        var bytes = new byte[1 + 4 + name.Length + 8 + 8 + 8 + 4 + reply.Result.Length];
        int at = 0;
        bytes[at++] = 0x52; // 'R': a reply, never confused with the core's signed messages.
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(at), name.Length);
        at += 4;
        name.CopyTo(bytes, at);
        at += name.Length;
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(at), reply.View);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(at + 8), reply.Client);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(at + 16), reply.Timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at + 24), reply.Replica);
        reply.Result.Span.CopyTo(bytes.AsSpan(at + 28));
        return bytes;
    }

    /// <summary>The MAC of <paramref name="reply"/> under <paramref name="key"/>.</summary>
    public static byte[] Compute(ReadOnlySpan<byte> key, string group, PbftReply reply) => HMACSHA256.HashData(key, SignedBytes(group, reply));

    /// <summary>Whether the reply's MAC verifies under <paramref name="key"/> (constant time).</summary>
    public static bool Verify(ReadOnlySpan<byte> key, string group, PbftReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return reply.Mac.Length == MacBytes && CryptographicOperations.FixedTimeEquals(Compute(key, group, reply), reply.Mac.Span);
    }
}
