using System.Runtime.InteropServices;

namespace Synod.Persistence.AdoNet;

/// <summary>ADO.NET providers bind blobs as whole arrays; this avoids a copy when the memory already is one.</summary>
internal static class Bytes
{
    public static byte[] Exact(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out ArraySegment<byte> segment)
        && segment.Offset == 0
        && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();
}
