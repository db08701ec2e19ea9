namespace Synod.Grains.KeyValue;

/// <summary>
/// Why a command was answered <see cref="KvStatus.Rejected"/>. Every reason except
/// <see cref="StoreFull"/> depends only on the command's bytes (and the entry's index), so every
/// replica rejects the same entry and a retry is rejected again. The numbers are written into
/// snapshots: never renumber them.
/// </summary>
public enum KvRejectReason : byte
{
    /// <summary>Not rejected.</summary>
    None = 0,

    /// <summary>Longer than <see cref="KvStateMachineConfig.MaxCommandBytes"/>; not even decoded.</summary>
    CommandTooLarge = 1,

    /// <summary>Not a well-formed KvCommand message.</summary>
    Undecodable = 2,

    /// <summary>A KvCommand with no operation this version knows.</summary>
    UnknownOperation = 3,

    /// <summary>A put, delete or compare-and-set without a request id.</summary>
    MissingRequestId = 4,

    /// <summary>A client id of zero bytes.</summary>
    ClientIdEmpty = 5,

    /// <summary>A client id longer than <see cref="KvStateMachineConfig.MaxClientIdBytes"/>.</summary>
    ClientIdTooLong = 6,

    /// <summary>A request sequence number of 0; sessions number requests from 1.</summary>
    SequenceZero = 7,

    /// <summary>A key of zero bytes.</summary>
    KeyEmpty = 8,

    /// <summary>A key longer than <see cref="KvStateMachineConfig.MaxKeyBytes"/>.</summary>
    KeyTooLong = 9,

    /// <summary>A value longer than <see cref="KvStateMachineConfig.MaxValueBytes"/>.</summary>
    ValueTooLong = 10,

    /// <summary>A compare-and-set that names neither an expected value nor "expect absent".</summary>
    MissingExpectation = 11,

    /// <summary>A compare-and-set that names neither a new value nor "delete".</summary>
    MissingReplacement = 12,

    /// <summary>An ExpireSessions whose idle-before index exceeds the entry's own index.</summary>
    IndexInFuture = 13,

    /// <summary>
    /// Applying the write would exceed <see cref="KvStateMachineConfig.MaxDataBytes"/>. This depends
    /// on the state, so it is an outcome of applying: it consumes the request's sequence number and
    /// is saved in the session like any other response.
    /// </summary>
    StoreFull = 14,

    /// <summary>A fence with an empty lock name, one longer than <see cref="KvStateMachineConfig.MaxLockNameBytes"/>, or token 0.</summary>
    FenceInvalid = 15,

    /// <summary>
    /// A fence names a lock not yet kept while <see cref="KvStateMachineConfig.MaxFences"/> are.
    /// Like <see cref="StoreFull"/> it depends on the state and is saved in the session. Refusing
    /// (rather than evicting an old lock's token) keeps the guarantee that a lower token is never
    /// accepted after a higher one.
    /// </summary>
    FencesFull = 16,
}
