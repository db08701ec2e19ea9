using System.Buffers.Binary;
using Google.Protobuf;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.KeyValue;
using Synod.Runtime.Storage;

namespace Synod.Grains.Locks;

/// <summary>
/// The snapshot bytes of a lock state machine, version 1. Identical states give identical bytes:
/// the body is a LockSnapshot message with leases sorted by name, and protobuf writes fields in
/// number order. Numbers in the frame are little-endian.
/// <code>
/// "SLKS"  u32 version=1  LockSnapshot body  u32 CRC-32C of everything before it
/// </code>
/// </summary>
internal static class LockSnapshotFormat
{
    public const uint Version = 1;

    private const int HeaderBytes = 4 + 4;

    private const int TrailerBytes = 4;

    private static ReadOnlySpan<byte> Magic => "SLKS"u8;

    public static byte[] Frame(LockSnapshot body)
    {
        var bodyBytes = body.CalculateSize();
        var buffer = new byte[HeaderBytes + bodyBytes + TrailerBytes];
        Magic.CopyTo(buffer);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(4), Version);
        body.WriteTo(buffer.AsSpan(HeaderBytes, bodyBytes));
        var checksum = RecordChecksum.Compute(buffer.AsSpan(0, HeaderBytes + bodyBytes));
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(HeaderBytes + bodyBytes), checksum);
        return buffer;
    }

    public static LockSnapshot Unframe(ReadOnlySpan<byte> snapshot)
    {
        if (snapshot.Length < HeaderBytes + TrailerBytes)
        {
            throw new LockSnapshotCorruptException(snapshot.Length + " bytes is shorter than a snapshot");
        }

        if (!snapshot[..4].SequenceEqual(Magic))
        {
            throw new LockSnapshotCorruptException("bad magic");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(snapshot[4..]);
        if (version != Version)
        {
            throw new LockSnapshotCorruptException("version " + version + ", expected " + Version);
        }

        var stored = BinaryPrimitives.ReadUInt32LittleEndian(snapshot[^TrailerBytes..]);
        var computed = RecordChecksum.Compute(snapshot[..^TrailerBytes]);
        if (stored != computed)
        {
            throw new LockSnapshotCorruptException($"checksum {stored:x8}, computed {computed:x8}");
        }

        try
        {
            return LockSnapshot.Parser.ParseFrom(snapshot[HeaderBytes..^TrailerBytes]);
        }
        catch (InvalidProtocolBufferException exception)
        {
            // Safe: the parser reports every malformed body this way and has built no state.
            throw new LockSnapshotCorruptException("undecodable body", exception);
        }
    }
}
