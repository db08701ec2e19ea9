using Google.Protobuf;
using Synod.Consensus;

namespace Synod.Grains.KeyValue;

/// <summary>The key-value data with its size accounting.</summary>
internal sealed class KvStore(long maxDataBytes)
{
    private readonly Dictionary<ByteString, ByteString> _values = new(ByteStringComparer.Instance);

    // Invariant: DataBytes == sum of EntryBytes over _values, and DataBytes <= _maxDataBytes.
    private readonly long _maxDataBytes = maxDataBytes;

    public int Count => _values.Count;

    public long DataBytes { get; private set; }

    public static long EntryBytes(ByteString key, ByteString value) =>
        (long)key.Length + value.Length + KvStateMachineConfig.EntryOverheadBytes;

    public ByteString? Find(ByteString key) => _values.GetValueOrDefault(key);

    /// <summary>Whether setting <paramref name="key"/> to <paramref name="value"/> stays within the data limit.</summary>
    public bool HasRoomFor(ByteString key, ByteString value)
    {
        var previous = Find(key);
        var released = previous is null ? 0 : EntryBytes(key, previous);
        return DataBytes - released + EntryBytes(key, value) <= _maxDataBytes;
    }

    /// <summary>Sets the value; returns the one it replaced. The caller has checked <see cref="HasRoomFor"/>.</summary>
    public ByteString? Set(ByteString key, ByteString value)
    {
        var previous = Remove(key);
        DataBytes += EntryBytes(key, value);
        Invariant.Holds(DataBytes <= _maxDataBytes, "data bytes " + DataBytes + ", max " + _maxDataBytes);
        _values.Add(key, value);
        return previous;
    }

    /// <summary>Removes the key; returns its value, or null if it was absent.</summary>
    public ByteString? Remove(ByteString key)
    {
        if (!_values.Remove(key, out var previous))
        {
            return null;
        }

        DataBytes -= EntryBytes(key, previous);
        Invariant.Holds(DataBytes >= 0, "data bytes " + DataBytes);
        return previous;
    }

    public IEnumerable<KeyValuePair<ByteString, ByteString>> OrderedByKey() =>
        _values.OrderBy(pair => pair.Key, ByteStringComparer.Instance);

    public bool SameAs(KvStore other, out string difference)
    {
        difference = "";
        if (Count != other.Count || DataBytes != other.DataBytes)
        {
            difference = "entries " + Count + " (" + DataBytes + " bytes) != " + other.Count + " (" + other.DataBytes + " bytes)";
            return false;
        }

        foreach (var (key, value) in OrderedByKey())
        {
            var theirs = other.Find(key);
            if (theirs is null || !value.Equals(theirs))
            {
                difference = "key " + Convert.ToHexString(key.Span) + ": " + value.Length + " bytes != " + (theirs is null ? "absent" : theirs.Length + " bytes");
                return false;
            }
        }

        return true;
    }
}
