namespace Synod.Runtime.Storage;

/// <summary>A request was refused as bad input; nothing of it was written and the store keeps serving.</summary>
public sealed class StorageRejectedException : StorageException
{
    /// <summary>Creates the exception.</summary>
    public StorageRejectedException(StorageRejection reason, DurableReplicaId replica, string message)
        : base($"Write for replica '{replica}' rejected ({reason}): {message}")
    {
        Reason = reason;
        Replica = replica;
    }

    /// <summary>Why the request was refused.</summary>
    public StorageRejection Reason { get; }

    /// <summary>The replica the request was for.</summary>
    public DurableReplicaId Replica { get; }
}
