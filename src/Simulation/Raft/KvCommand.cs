using System.Buffers.Binary;

namespace Synod.Simulation.Raft;

/// <summary>
/// A simulated client's write: put <see cref="Value"/> at <see cref="Key"/>, identified by
/// (<see cref="Client"/>, <see cref="Sequence"/>) so that a retried write is applied once
/// (thesis §6.3). Layout: client:u32, sequence:u64, key:u32, value:u64.
/// </summary>
public readonly record struct KvCommand(int Client, ulong Sequence, int Key, long Value)
{
    public const int Size = 24;

    public byte[] Encode()
    {
        var buffer = new byte[Size];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, Client);
        BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(4), Sequence);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(12), Key);
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(16), Value);
        return buffer;
    }

    public static KvCommand Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length != Size)
        {
            throw new ArgumentException($"a command is {Size} bytes, got {data.Length}", nameof(data));
        }

        return new KvCommand(
            BinaryPrimitives.ReadInt32LittleEndian(data),
            BinaryPrimitives.ReadUInt64LittleEndian(data[4..]),
            BinaryPrimitives.ReadInt32LittleEndian(data[12..]),
            BinaryPrimitives.ReadInt64LittleEndian(data[16..]));
    }
}
