using System.Buffers.Binary;

namespace Synod.Persistence.CrashWriter;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014): a
/// tiny generator whose every output follows from its seed, so a crash run's workload is a pure
/// function of (seed, replica, version) and the child and the test derive the same batches.
/// </summary>
internal sealed class SplitMix64(ulong seed)
{
    private const ulong Gamma = 0x9E37_79B9_7F4A_7C15;
    private ulong _state = seed;

    /// <summary>A generator seeded from several values (a seed, a tag, a replica, a version…).</summary>
    public static SplitMix64 For(params ReadOnlySpan<ulong> parts)
    {
        ulong hash = Gamma;
        foreach (ulong part in parts)
        {
            hash = Mix(hash ^ Mix(part + Gamma));
        }

        return new SplitMix64(hash);
    }

    /// <summary>The SplitMix64 finalizer: a bijection that scrambles every bit of its input.</summary>
    public static ulong Mix(ulong value)
    {
        value = (value ^ (value >> 30)) * 0xBF58_476D_1CE4_E5B9;
        value = (value ^ (value >> 27)) * 0x94D0_49BB_1331_11EB;
        return value ^ (value >> 31);
    }

    public ulong Next()
    {
        _state += Gamma;
        return Mix(_state);
    }

    /// <summary>A value in [0, <paramref name="bound"/>); the modulo bias is irrelevant for a workload.</summary>
    public int Below(int bound) => (int)(Next() % (ulong)bound);

    /// <summary>A value in [<paramref name="min"/>, <paramref name="max"/>], both included.</summary>
    public int Between(int min, int max) => min + Below(max - min + 1);

    public void Fill(Span<byte> bytes)
    {
        while (bytes.Length >= sizeof(ulong))
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, Next());
            bytes = bytes[sizeof(ulong)..];
        }

        if (bytes.Length > 0)
        {
            Span<byte> last = stackalloc byte[sizeof(ulong)];
            BinaryPrimitives.WriteUInt64LittleEndian(last, Next());
            last[..bytes.Length].CopyTo(bytes);
        }
    }
}
