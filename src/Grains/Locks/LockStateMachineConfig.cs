namespace Synod.Grains.Locks;

/// <summary>
/// The limits of a lock state machine. Like the key-value limits they define the replicated state:
/// every replica of a group uses the same values, they are carried in every snapshot, and
/// <see cref="LockStateMachine.Restore"/> takes them from the snapshot.
/// </summary>
public sealed record LockStateMachineConfig
{
    /// <summary>Largest leader_time_ms accepted; keeps time + ttl + drift far from overflow.</summary>
    public const ulong MaxLeaderTimeMs = 1UL << 62;

    /// <summary>Protobuf framing a valid command may add to its name and owner.</summary>
    private const int CommandFramingBytes = 64;

    /// <summary>Most lock records (held or expired but not yet reclaimed). Default 10,000.</summary>
    public int MaxLocks { get; init; } = 10_000;

    /// <summary>Longest lock name, in bytes. Names are 1 to this many bytes. Default 256.</summary>
    public int MaxNameBytes { get; init; } = 256;

    /// <summary>Longest owner, in bytes. Owners are 1 to this many bytes. Default 128.</summary>
    public int MaxOwnerBytes { get; init; } = 128;

    /// <summary>Longest lease a command may ask for, in milliseconds. Default 10 minutes.</summary>
    public ulong MaxTtlMs { get; init; } = 10 * 60 * 1000;

    /// <summary>
    /// The bound on clock disagreement (rate difference between the leader's and a client's clock,
    /// and between successive leaders) over one lease. A lease stays held until
    /// <c>now_ms &gt; expires_at_ms + MaxClockDriftMs</c>, so a lock is never granted to another
    /// owner while the previous lease could still be valid by the previous leader's or the
    /// client's clock. Default 1 second.
    /// </summary>
    public ulong MaxClockDriftMs { get; init; } = 1000;

    /// <summary>The longest command that can be valid; longer entries are rejected undecoded.</summary>
    public int MaxCommandBytes => MaxNameBytes + MaxOwnerBytes + CommandFramingBytes;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first limit that is out of range.</summary>
    public void Validate()
    {
        var problem = FindProblem();
        if (problem is not null)
        {
            throw new ArgumentException("invalid lock state machine config: " + problem);
        }
    }

    /// <summary>The first limit that is out of range, or null if all are valid.</summary>
    internal string? FindProblem()
    {
        // Each ceiling keeps sizes far from int overflow and times far from ulong overflow.
        const int maxLocksCeiling = 1_000_000;
        const int maxBytesCeiling = 4096;
        const ulong maxMillisecondsCeiling = 1UL << 40;
        if (MaxLocks is < 1 or > maxLocksCeiling)
        {
            return $"MaxLocks {MaxLocks} is not in [1, {maxLocksCeiling}]";
        }

        if (MaxNameBytes is < 1 or > maxBytesCeiling)
        {
            return $"MaxNameBytes {MaxNameBytes} is not in [1, {maxBytesCeiling}]";
        }

        if (MaxOwnerBytes is < 1 or > maxBytesCeiling)
        {
            return $"MaxOwnerBytes {MaxOwnerBytes} is not in [1, {maxBytesCeiling}]";
        }

        if (MaxTtlMs is < 1 or > maxMillisecondsCeiling)
        {
            return $"MaxTtlMs {MaxTtlMs} is not in [1, {maxMillisecondsCeiling}]";
        }

        if (MaxClockDriftMs > maxMillisecondsCeiling)
        {
            return $"MaxClockDriftMs {MaxClockDriftMs} is above {maxMillisecondsCeiling}";
        }

        return null;
    }
}
