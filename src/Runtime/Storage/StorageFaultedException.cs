namespace Synod.Runtime.Storage;

/// <summary>
/// The store failed to write (disk full, I/O error, lost database connection) and stopped: what a
/// failed transaction held is unknown, so no further write is accepted and the silo must restart
/// its replicas from what was durable (fail-stop).
/// </summary>
public sealed class StorageFaultedException : StorageException
{
    /// <summary>Creates the exception.</summary>
    public StorageFaultedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
