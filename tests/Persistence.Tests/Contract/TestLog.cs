using System.Buffers.Binary;
using System.Text;
using Synod.Runtime.Storage;

namespace Synod.Persistence.Tests.Contract;

/// <summary>
/// Deterministic records, payloads and batches for the contract tests: every payload is derived
/// from its index, term and a salt, so two different records never carry the same bytes.
/// </summary>
internal static class TestLog
{
    /// <summary>Records <paramref name="first"/>..<paramref name="last"/> of one term, with kinds and sizes that vary by index.</summary>
    public static LogRecord[] Records(ulong first, ulong last, ulong term, int salt = 0)
    {
        var records = new LogRecord[checked((int)(last - first + 1))];
        for (ulong index = first; index <= last; index++)
        {
            records[index - first] = Record(index, term, salt);
        }

        return records;
    }

    /// <summary>One record whose kind and payload length depend on its index (some payloads are empty).</summary>
    public static LogRecord Record(ulong index, ulong term, int salt = 0) =>
        new(index, term, (byte)(index * 37 % 256), Payload(index, term, salt, (int)(index * 13 % 40)));

    /// <summary><paramref name="length"/> bytes that depend on every argument.</summary>
    public static byte[] Payload(ulong index, ulong term, int salt, int length)
    {
        var bytes = new byte[length];
        ulong state = (index * 0x9E37_79B9_7F4A_7C15UL) ^ (term * 0xBF58_476D_1CE4_E5B9UL) ^ (ulong)salt;
        for (int i = 0; i < length; i++)
        {
            // SplitMix64 steps: cheap, deterministic, and no two records share their bytes.
            state += 0x9E37_79B9_7F4A_7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
            bytes[i] = (byte)(z ^ (z >> 31));
        }

        return bytes;
    }

    /// <summary>A metadata record as a replica might keep it: term, vote and commit, little-endian.</summary>
    public static byte[] Metadata(ulong term, ulong vote, ulong commit)
    {
        var bytes = new byte[24];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, term);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8), vote);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(16), commit);
        return bytes;
    }

    /// <summary>A snapshot whose bytes name its position.</summary>
    public static ReplicaSnapshot Snapshot(ulong index, ulong term) =>
        new(index, term, Encoding.ASCII.GetBytes($"state machine through {index} at term {term}"));

    public static DurableReplicaId Id(string name) => new(name);
}
