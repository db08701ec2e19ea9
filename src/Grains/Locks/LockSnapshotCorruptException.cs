namespace Synod.Grains.Locks;

/// <summary>
/// A lock snapshot failed validation: wrong magic or version, checksum mismatch, undecodable body,
/// or contents no state machine could have produced. Nothing was restored.
/// </summary>
public sealed class LockSnapshotCorruptException : Exception
{
    public LockSnapshotCorruptException()
    {
    }

    public LockSnapshotCorruptException(string message)
        : base("corrupt lock snapshot: " + message)
    {
    }

    public LockSnapshotCorruptException(string message, Exception innerException)
        : base("corrupt lock snapshot: " + message, innerException)
    {
    }
}
