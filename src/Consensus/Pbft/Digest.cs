using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Synod.Consensus.Pbft;

/// <summary>A SHA-256 digest, compared by value.</summary>
public readonly record struct Digest(ulong A, ulong B, ulong C, ulong D)
{
    public static Digest Of(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(data, hash);
        return FromBytes(hash);
    }

    public static Digest FromBytes(ReadOnlySpan<byte> hash) => new(
        BinaryPrimitives.ReadUInt64BigEndian(hash),
        BinaryPrimitives.ReadUInt64BigEndian(hash[8..]),
        BinaryPrimitives.ReadUInt64BigEndian(hash[16..]),
        BinaryPrimitives.ReadUInt64BigEndian(hash[24..]));

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, A);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], B);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], C);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], D);
    }

    public override string ToString() => A.ToString("x16", System.Globalization.CultureInfo.InvariantCulture)[..8];
}
