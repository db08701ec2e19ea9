using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Synod.Runtime.Storage;

/// <summary>
/// CRC-32C checksums of stored records (hardware-accelerated through <see cref="BitOperations.Crc32C(uint, ulong)"/>).
/// Each checksum covers the replica's name, the record's position and every field, so a record
/// that is damaged, or moved to another replica or index, fails its check on load.
/// </summary>
public static class RecordChecksum
{
    private const byte RecordTag = 1;
    private const byte MetadataTag = 2;
    private const byte SnapshotTag = 3;
    private const byte StateTag = 4;

    /// <summary>The standard CRC-32C of <paramref name="data"/> (for whole files such as state-machine snapshots).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(0xFFFF_FFFFu, data);

    /// <summary>The per-replica seed every checksum of the replica starts from.</summary>
    public static uint Seed(DurableReplicaId replica)
    {
        Span<byte> name = stackalloc byte[DurableReplicaId.MaxLength];
        int length = Encoding.ASCII.GetBytes(replica.Value, name);
        return Update(0xFFFF_FFFFu, name[..length]);
    }

    /// <summary>Checksum of a log record.</summary>
    public static uint OfRecord(uint seed, ulong index, ulong term, byte kind, ReadOnlySpan<byte> payload)
    {
        uint crc = BitOperations.Crc32C(seed, RecordTag);
        crc = BitOperations.Crc32C(crc, index);
        crc = BitOperations.Crc32C(crc, term);
        crc = BitOperations.Crc32C(crc, kind);
        crc = BitOperations.Crc32C(crc, (uint)payload.Length);
        return ~Update(crc, payload);
    }

    /// <summary>Checksum of a metadata record.</summary>
    public static uint OfMetadata(uint seed, ReadOnlySpan<byte> metadata)
    {
        uint crc = BitOperations.Crc32C(seed, MetadataTag);
        crc = BitOperations.Crc32C(crc, (uint)metadata.Length);
        return ~Update(crc, metadata);
    }

    /// <summary>Checksum of a snapshot.</summary>
    public static uint OfSnapshot(uint seed, ulong index, ulong term, ReadOnlySpan<byte> data)
    {
        uint crc = BitOperations.Crc32C(seed, SnapshotTag);
        crc = BitOperations.Crc32C(crc, index);
        crc = BitOperations.Crc32C(crc, term);
        crc = BitOperations.Crc32C(crc, (uint)data.Length);
        return ~Update(crc, data);
    }

    /// <summary>
    /// Checksum of a replica's state summary: where its log ends, where its snapshot is, and which
    /// metadata record it holds. Written with every change, it lets a load notice rows that are
    /// missing altogether (a lost tail, a lost metadata record), which per-row checksums cannot.
    /// </summary>
    public static uint OfState(uint seed, ulong lastIndex, ulong snapshotIndex, uint? metadataChecksum)
    {
        uint crc = BitOperations.Crc32C(seed, StateTag);
        crc = BitOperations.Crc32C(crc, lastIndex);
        crc = BitOperations.Crc32C(crc, snapshotIndex);
        crc = BitOperations.Crc32C(crc, metadataChecksum is null ? 0u : 1u);
        crc = BitOperations.Crc32C(crc, metadataChecksum ?? 0);
        return ~crc;
    }

    private static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }
}
