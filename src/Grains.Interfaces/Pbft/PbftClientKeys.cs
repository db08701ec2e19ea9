using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Synod.Grains.Interfaces.Pbft;

/// <summary>
/// The MAC key client c shares with replica i of a PBFT group, derived from one cluster-wide client
/// secret: HMAC-SHA256(secret, "pbft-client" ‖ group-independent c ‖ i). A development scheme (the
/// dev cluster's key file holds the secret): whoever holds the secret can act as any client, so a
/// production deployment would give each client its own keys instead.
/// </summary>
public static class PbftClientKeys
{
    /// <summary>The key client <paramref name="client"/> shares with replica <paramref name="replica"/>.</summary>
    public static byte[] Derive(ReadOnlySpan<byte> secret, ulong client, int replica)
    {
        Span<byte> input = stackalloc byte[11 + 8 + 4];
        "pbft-client"u8.CopyTo(input);
        BinaryPrimitives.WriteUInt64BigEndian(input[11..], client);
        BinaryPrimitives.WriteInt32BigEndian(input[19..], replica);
        return HMACSHA256.HashData(secret, input);
    }
}
