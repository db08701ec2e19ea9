namespace Synod.Runtime.Storage;

/// <summary>Why a store refused a request.</summary>
public enum StorageRejection
{
    /// <summary>A payload, batch, metadata record or snapshot is larger than the store allows.</summary>
    Oversized,

    /// <summary>The replica was not opened in this store.</summary>
    UnknownReplica,

    /// <summary>Records are not contiguous or do not follow the log's last index.</summary>
    OutOfOrder,

    /// <summary>A truncation reaches into the compacted prefix or past the end of the log.</summary>
    InvalidTruncation,

    /// <summary>A snapshot is older than the one already stored.</summary>
    StaleSnapshot,

    /// <summary>
    /// An earlier write of the replica was rejected or abandoned, so what the replica holds in memory
    /// may no longer match what is durable; every later write fails until the replica is opened again.
    /// </summary>
    Fenced,
}
