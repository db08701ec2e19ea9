using System.Buffers.Binary;
using Google.Protobuf;

namespace Synod.Grains.KeyValue;

/// <summary>
/// Reads a snapshot's little-endian fields, throwing <see cref="KvSnapshotCorruptException"/>
/// (naming the field and offset) instead of reading past the end.
/// </summary>
internal ref struct KvSnapshotReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;

    public int Position { get; private set; }

    public readonly int Remaining => _data.Length - Position;

    public byte ReadByte(string field) => Take(1, field)[0];

    public uint ReadUInt32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Take(sizeof(uint), field));

    public ulong ReadUInt64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Take(sizeof(ulong), field));

    /// <summary>Reads a 32-bit unsigned number that must fit in an int (a length, count or limit).</summary>
    public int ReadInt32(string field)
    {
        var offset = Position;
        var value = ReadUInt32(field);
        if (value > int.MaxValue)
        {
            throw new KvSnapshotCorruptException(field + " " + value + " at offset " + offset + " is out of range");
        }

        return (int)value;
    }

    /// <summary>Reads a 32-bit length of at most <paramref name="maxLength"/>, then that many bytes.</summary>
    public ByteString ReadBytes(int maxLength, string field)
    {
        var offset = Position;
        var length = ReadUInt32(field + " length");
        if (length > (uint)maxLength)
        {
            throw new KvSnapshotCorruptException(field + " at offset " + offset + " is " + length + " bytes, more than the limit " + maxLength);
        }

        return ByteString.CopyFrom(Take((int)length, field));
    }

    private ReadOnlySpan<byte> Take(int length, string field)
    {
        if (length > Remaining)
        {
            throw new KvSnapshotCorruptException("truncated: " + field + " at offset " + Position + " needs " + length + " bytes, " + Remaining + " remain");
        }

        var span = _data.Slice(Position, length);
        Position += length;
        return span;
    }
}
