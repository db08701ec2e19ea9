namespace Synod.Grains.KeyValue;

/// <summary>
/// A key-value snapshot failed validation: wrong magic or version, checksum mismatch, truncation,
/// or contents no state machine could have produced. Nothing was restored.
/// </summary>
public sealed class KvSnapshotCorruptException : Exception
{
    public KvSnapshotCorruptException()
    {
    }

    public KvSnapshotCorruptException(string message)
        : base("corrupt key-value snapshot: " + message)
    {
    }

    public KvSnapshotCorruptException(string message, Exception innerException)
        : base("corrupt key-value snapshot: " + message, innerException)
    {
    }
}
