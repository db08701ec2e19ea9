using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Synod.Grains.Interfaces.Pbft;

/// <summary>
/// The MAC key client c shares with replica i of PBFT group g, derived from one cluster-wide client
/// secret: HMAC-SHA256(secret, "pbft-client" ‖ len(g) ‖ g ‖ c ‖ i). The group is part of the input
/// because a request's MACs do not cover the group's name: with group-independent keys a request
/// authenticated for one group would be accepted by another. A development scheme (the dev
/// cluster's key file holds the secret): whoever holds the secret can act as any client, so a
/// production deployment would give each client its own keys instead.
/// </summary>
public static class PbftClientKeys
{
    /// <summary>Longest group name, in UTF-8 bytes, a key is derived for.</summary>
    public const int MaxGroupBytes = 128;

    /// <summary>The key client <paramref name="client"/> shares with replica <paramref name="replica"/> of <paramref name="group"/>.</summary>
    /// <exception cref="ArgumentException">The group's name is empty or longer than <see cref="MaxGroupBytes"/>.</exception>
    public static byte[] Derive(ReadOnlySpan<byte> secret, string group, ulong client, int replica)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        int nameBytes = Encoding.UTF8.GetByteCount(group);
        if (nameBytes > MaxGroupBytes)
        {
            throw new ArgumentException($"a PBFT group name has at most {MaxGroupBytes} bytes", nameof(group));
        }

        Span<byte> input = stackalloc byte[11 + 4 + MaxGroupBytes + 8 + 4];
        "pbft-client"u8.CopyTo(input);
        BinaryPrimitives.WriteInt32BigEndian(input[11..], nameBytes);
        Encoding.UTF8.GetBytes(group, input[15..]);
        int at = 15 + nameBytes;
        BinaryPrimitives.WriteUInt64BigEndian(input[at..], client);
        BinaryPrimitives.WriteInt32BigEndian(input[(at + 8)..], replica);
        return HMACSHA256.HashData(secret, input[..(at + 12)]);
    }
}
