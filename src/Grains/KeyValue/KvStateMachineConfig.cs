namespace Synod.Grains.KeyValue;

/// <summary>
/// The limits of a key-value state machine. They are part of the replicated state's definition:
/// every replica of a group must use the same values (a command one replica accepts and another
/// rejects would make them diverge), so they are fixed when the group is created and carried in
/// every snapshot, and <see cref="KvStateMachine.Restore"/> takes them from the snapshot.
/// </summary>
public sealed record KvStateMachineConfig
{
    /// <summary>Bytes a snapshot spends on an entry besides its key and value (two lengths).</summary>
    public const int EntryOverheadBytes = 8;

    /// <summary>Bytes a snapshot spends on a session besides its client id and saved value.</summary>
    public const int SessionOverheadBytes = 4 + 8 + 8 + 1 + 1 + 1 + 4;

    /// <summary>Bytes a snapshot spends on a fence besides its lock name (a length and the token).</summary>
    public const int FenceOverheadBytes = 4 + 8;

    /// <summary>Protobuf framing a valid command may add to its client id, key and two values.</summary>
    private const int CommandFramingBytes = 256;

    /// <summary>Longest key, in bytes. Keys are 1 to this many bytes. Default 1 KiB.</summary>
    public int MaxKeyBytes { get; init; } = 1024;

    /// <summary>Longest value, in bytes (empty values are allowed). Default 1 MiB.</summary>
    public int MaxValueBytes { get; init; } = 1024 * 1024;

    /// <summary>Longest client id, in bytes. Default 64 (room for a UUID or a name).</summary>
    public int MaxClientIdBytes { get; init; } = 64;

    /// <summary>
    /// Most live client sessions. Registering one more evicts the session whose last applied request
    /// is oldest. Each session keeps one response, which may hold a value, so sessions retain at most
    /// MaxSessions × MaxValueBytes. Default 256, so a snapshot stays under the store's 1,000,000,000-byte limit.
    /// </summary>
    public int MaxSessions { get; init; } = 256;

    /// <summary>
    /// Most bytes of data: the sum over entries of key + value + <see cref="EntryOverheadBytes"/>.
    /// A write past it is answered Rejected(StoreFull). Default 256 MiB.
    /// </summary>
    public long MaxDataBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Longest lock name a fence may carry, in bytes. Default 256.</summary>
    public int MaxLockNameBytes { get; init; } = 256;

    /// <summary>
    /// Most lock names whose highest fencing token the store keeps. A fenced write naming one more
    /// is answered Rejected(FencesFull). Default 4096.
    /// </summary>
    public int MaxFences { get; init; } = 4096;

    /// <summary>The longest command that can be valid; longer entries are rejected undecoded.</summary>
    public int MaxCommandBytes => MaxClientIdBytes + MaxKeyBytes + (2 * MaxValueBytes) + MaxLockNameBytes + CommandFramingBytes;

    /// <summary>The largest snapshot these limits allow; it must fit in one array.</summary>
    public long MaxSnapshotBytes =>
        KvSnapshotFormat.FixedBytes + MaxDataBytes + ((long)MaxSessions * (SessionOverheadBytes + MaxClientIdBytes + MaxValueBytes))
        + ((long)MaxFences * (FenceOverheadBytes + MaxLockNameBytes));

    /// <summary>Throws <see cref="ArgumentException"/> naming the first limit that is out of range.</summary>
    public void Validate()
    {
        var problem = FindProblem();
        if (problem is not null)
        {
            throw new ArgumentException("invalid key-value state machine config: " + problem);
        }
    }

    /// <summary>The first limit that is out of range, or null if all are valid.</summary>
    internal string? FindProblem()
    {
        // Each bound keeps the derived sizes (command, entry, snapshot) far from int overflow.
        const int maxKeyCeiling = 64 * 1024;
        const int maxValueCeiling = 64 * 1024 * 1024;
        const int maxClientIdCeiling = 1024;
        const int maxLockNameCeiling = 1024;
        const int maxFencesCeiling = 1024 * 1024;
        if (MaxKeyBytes is < 1 or > maxKeyCeiling)
        {
            return $"MaxKeyBytes {MaxKeyBytes} is not in [1, {maxKeyCeiling}]";
        }

        if (MaxValueBytes is < 0 or > maxValueCeiling)
        {
            return $"MaxValueBytes {MaxValueBytes} is not in [0, {maxValueCeiling}]";
        }

        if (MaxClientIdBytes is < 1 or > maxClientIdCeiling)
        {
            return $"MaxClientIdBytes {MaxClientIdBytes} is not in [1, {maxClientIdCeiling}]";
        }

        if (MaxLockNameBytes is < 1 or > maxLockNameCeiling)
        {
            return $"MaxLockNameBytes {MaxLockNameBytes} is not in [1, {maxLockNameCeiling}]";
        }

        if (MaxFences is < 1 or > maxFencesCeiling)
        {
            return $"MaxFences {MaxFences} is not in [1, {maxFencesCeiling}]";
        }

        if (MaxSessions < 1)
        {
            return $"MaxSessions {MaxSessions} is below 1";
        }

        if (MaxDataBytes < MaxKeyBytes + MaxValueBytes + EntryOverheadBytes)
        {
            return $"MaxDataBytes {MaxDataBytes} cannot hold one entry of MaxKeyBytes + MaxValueBytes";
        }

        if (MaxDataBytes > Array.MaxLength || MaxSnapshotBytes > Array.MaxLength)
        {
            return $"a snapshot could reach {MaxSnapshotBytes} bytes, more than one array holds ({Array.MaxLength}); lower MaxDataBytes, MaxSessions or MaxValueBytes";
        }

        return null;
    }
}
