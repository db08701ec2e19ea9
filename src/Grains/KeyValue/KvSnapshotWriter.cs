using System.Buffers.Binary;
using Synod.Consensus;
using Synod.Runtime.Storage;

namespace Synod.Grains.KeyValue;

/// <summary>Writes a snapshot's little-endian fields into a buffer sized in advance.</summary>
internal ref struct KvSnapshotWriter(Span<byte> buffer)
{
    private readonly Span<byte> _buffer = buffer;

    public int Position { get; private set; }

    public void WriteByte(byte value)
    {
        _buffer[Position] = value;
        Position++;
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer[Position..], value);
        Position += sizeof(uint);
    }

    public void WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer[Position..], value);
        Position += sizeof(ulong);
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer[Position..]);
        Position += bytes.Length;
    }

    /// <summary>Writes a 32-bit length, then the bytes.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        WriteUInt32((uint)bytes.Length);
        WriteRaw(bytes);
    }

    /// <summary>Appends the CRC-32C of everything written so far; the buffer must then be full.</summary>
    public void WriteChecksum()
    {
        WriteUInt32(RecordChecksum.Compute(_buffer[..Position]));
        Invariant.Holds(Position == _buffer.Length, "wrote " + Position + " of " + _buffer.Length + " snapshot bytes");
    }
}
