using Google.Protobuf;

namespace Synod.Grains.KeyValue;

/// <summary>
/// Compares byte strings by content: equality with a per-process seeded hash (keys are chosen by
/// clients, so a fixed hash would let them force collisions), and order by unsigned bytes for
/// snapshots. Nothing observable depends on hash order: output is always sorted with
/// <see cref="Compare"/>.
/// </summary>
internal sealed class ByteStringComparer : IEqualityComparer<ByteString>, IComparer<ByteString>
{
    public static readonly ByteStringComparer Instance = new();

    private ByteStringComparer()
    {
    }

    public bool Equals(ByteString? x, ByteString? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.Span.SequenceEqual(y.Span));

    public int GetHashCode(ByteString obj)
    {
        var hash = new HashCode();
        hash.AddBytes(obj.Span);
        return hash.ToHashCode();
    }

    public int Compare(ByteString? x, ByteString? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        return y is null ? 1 : x.Span.SequenceCompareTo(y.Span);
    }
}
