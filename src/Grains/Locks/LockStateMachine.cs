using Google.Protobuf;
using Synod.Consensus;
using Synod.Consensus.Raft;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.KeyValue;
using Status = Synod.Grains.Interfaces.Wire.LockResult.Types.Status;
using Reason = Synod.Grains.Interfaces.Wire.LockResult.Types.RejectReason;

namespace Synod.Grains.Locks;

/// <summary>
/// The replicated lock and lease service: acquire, renew and release named locks, each grant
/// carrying a fencing token. Pure and deterministic: it reads no clock, and the same entries give
/// the same results, state and snapshot bytes on every replica. Not thread-safe; the replica grain
/// owns it.
/// </summary>
/// <remarks>
/// <para>Time. Every command carries <c>leader_time_ms</c> (see locks.proto for what a host must
/// propose there). The machine's time, <see cref="NowMs"/>, is the largest value applied so far,
/// so a command carrying an older reading is judged at the later time. A lease granted at time t
/// with ttl d has <c>expires_at_ms = t + d</c> and is held while
/// <c>NowMs &lt;= expires_at_ms + MaxClockDriftMs</c>. Leases are measured on the leader's clock;
/// the drift bound is what makes it safe for a new leader (whose time continues from the last
/// applied time, see locks.proto) to grant a lock whose previous lease it did not see begin. A host
/// that cannot continue time that way must instead, on becoming leader, refuse to grant any lock
/// held in the applied state until MaxTtlMs + MaxClockDriftMs has elapsed on its own clock.</para>
/// <para>Fencing tokens. A grant's token is its log index, so tokens strictly increase per lock
/// (indeed across all locks), also across expiries, releases and restores, without keeping any
/// record of freed locks. A resource guarded by a lock accepts a write only if no higher token has
/// been seen for that lock.</para>
/// <para>Bounds. At most <see cref="LockStateMachineConfig.MaxLocks"/> records. An expired record
/// stays until it is released, re-acquired, or reclaimed: an acquire of a new name when full
/// removes the expired record with the lowest token (the same on every replica); if none is
/// expired the acquire is answered Rejected(LocksFull).</para>
/// <para>Bad entries. An entry that cannot be decoded or breaks a limit is answered Rejected and
/// changes nothing but <see cref="AppliedIndex"/> (not even time); it is in the log, so it must
/// never throw. Only a broken invariant of the caller (indexes not increasing) throws
/// <see cref="InvariantViolationException"/>.</para>
/// </remarks>
public sealed class LockStateMachine
{
    // Invariant: AppliedIndex only increases; every lease's Token <= AppliedIndex.
    private LogIndex _appliedIndex;

    // Invariant: only increases (the max of every applied leader_time_ms).
    private ulong _nowMs;

    private readonly Dictionary<ByteString, LockLeaseRecord> _leases = new(ByteStringComparer.Instance);

    public LockStateMachine()
        : this(new LockStateMachineConfig())
    {
    }

    public LockStateMachine(LockStateMachineConfig config)
        : this(Validated(config), LogIndex.Zero, 0)
    {
    }

    private LockStateMachine(LockStateMachineConfig config, LogIndex appliedIndex, ulong nowMs)
    {
        Config = config;
        _appliedIndex = appliedIndex;
        _nowMs = nowMs;
    }

    public LockStateMachineConfig Config { get; }

    /// <summary>The index of the last entry applied (or marked applied); zero before the first.</summary>
    public LogIndex AppliedIndex => _appliedIndex;

    /// <summary>The machine's time: the largest leader_time_ms applied, in milliseconds.</summary>
    public ulong NowMs => _nowMs;

    /// <summary>Lock records held, expired ones not yet reclaimed included.</summary>
    public int LockCount => _leases.Count;

    /// <summary>
    /// Applies the committed command at <paramref name="index"/>, which must be above
    /// <see cref="AppliedIndex"/>, and returns the answer for the client that proposed it.
    /// </summary>
    public LockResult Apply(LogIndex index, ReadOnlySpan<byte> command)
    {
        MarkApplied(index);
        if (!LockCommandDecoder.TryDecode(command, Config, out var decoded, out var reason))
        {
            return Rejected(reason);
        }

        AdvanceTime(decoded.LeaderTimeMs);
        return decoded.OperationCase switch
        {
            LockCommand.OperationOneofCase.Acquire => Acquire(decoded.Acquire, index),
            LockCommand.OperationOneofCase.Renew => Renew(decoded.Renew),
            LockCommand.OperationOneofCase.Release => Release(decoded.Release),
            _ => throw new InvariantViolationException("decoder accepted operation " + decoded.OperationCase),
        };
    }

    /// <summary>Advances <see cref="AppliedIndex"/> over an entry that carries no lock command.</summary>
    public void MarkApplied(LogIndex index)
    {
        Invariant.Holds(index > _appliedIndex, "index " + index + ", applied " + _appliedIndex);
        _appliedIndex = index;
    }

    /// <summary>
    /// The lock's state at <see cref="NowMs"/>: Held with owner, token and expiry; Free; or
    /// Rejected for a name no command could have used. Linearizability is the caller's concern.
    /// </summary>
    public LockResult Query(ReadOnlySpan<byte> name)
    {
        var reason = LockCommandDecoder.CheckName(name, Config);
        if (reason != Reason.Unspecified)
        {
            return Rejected(reason);
        }

        var lease = _leases.GetValueOrDefault(ByteString.CopyFrom(name));
        return lease is null || IsExpired(lease) ? Answer(Status.Free) : Answer(Status.Held, lease);
    }

    /// <summary>The whole state in the deterministic format of <see cref="LockSnapshotFormat"/>.</summary>
    public byte[] Snapshot()
    {
        var body = new LockSnapshot
        {
            AppliedIndex = _appliedIndex.Value,
            NowMs = _nowMs,
            MaxLocks = (uint)Config.MaxLocks,
            MaxNameBytes = (uint)Config.MaxNameBytes,
            MaxOwnerBytes = (uint)Config.MaxOwnerBytes,
            MaxTtlMs = Config.MaxTtlMs,
            MaxClockDriftMs = Config.MaxClockDriftMs,
        };
        foreach (var (name, lease) in _leases.OrderBy(pair => pair.Key, ByteStringComparer.Instance))
        {
            body.Leases.Add(new LockLease
            {
                Name = name,
                Owner = lease.Owner,
                Token = lease.Token,
                TtlMs = lease.TtlMs,
                ExpiresAtMs = lease.ExpiresAtMs,
            });
        }

        return LockSnapshotFormat.Frame(body);
    }

    /// <summary>
    /// Rebuilds a state machine from <see cref="Snapshot"/> bytes, config included. Throws
    /// <see cref="LockSnapshotCorruptException"/> if the bytes fail any check.
    /// </summary>
    public static LockStateMachine Restore(ReadOnlySpan<byte> snapshot)
    {
        var body = LockSnapshotFormat.Unframe(snapshot);
        var config = new LockStateMachineConfig
        {
            MaxLocks = (int)Math.Min(body.MaxLocks, (uint)int.MaxValue),
            MaxNameBytes = (int)Math.Min(body.MaxNameBytes, (uint)int.MaxValue),
            MaxOwnerBytes = (int)Math.Min(body.MaxOwnerBytes, (uint)int.MaxValue),
            MaxTtlMs = body.MaxTtlMs,
            MaxClockDriftMs = body.MaxClockDriftMs,
        };
        var problem = config.FindProblem();
        if (problem is not null)
        {
            throw new LockSnapshotCorruptException(problem);
        }

        if (body.NowMs > LockStateMachineConfig.MaxLeaderTimeMs)
        {
            throw new LockSnapshotCorruptException("time " + body.NowMs + " out of range");
        }

        if (body.Leases.Count > config.MaxLocks)
        {
            throw new LockSnapshotCorruptException(body.Leases.Count + " leases, MaxLocks " + config.MaxLocks);
        }

        var machine = new LockStateMachine(config, new LogIndex(body.AppliedIndex), body.NowMs);
        ByteString? previous = null;
        foreach (var lease in body.Leases)
        {
            CheckLease(lease, body, config, previous);
            machine._leases.Add(lease.Name, new LockLeaseRecord(lease.Owner, lease.Token, lease.TtlMs, lease.ExpiresAtMs));
            previous = lease.Name;
        }

        return machine;
    }

    private static void CheckLease(LockLease lease, LockSnapshot body, LockStateMachineConfig config, ByteString? previous)
    {
        if (LockCommandDecoder.CheckName(lease.Name.Span, config) != Reason.Unspecified)
        {
            throw new LockSnapshotCorruptException("lease name of " + lease.Name.Length + " bytes");
        }

        if (previous is not null && ByteStringComparer.Instance.Compare(previous, lease.Name) >= 0)
        {
            throw new LockSnapshotCorruptException("lease names not strictly ascending");
        }

        if (LockCommandDecoder.CheckOwner(lease.Owner.Span, config) != Reason.Unspecified)
        {
            throw new LockSnapshotCorruptException("lease owner of " + lease.Owner.Length + " bytes");
        }

        if (lease.Token == 0 || lease.Token > body.AppliedIndex)
        {
            throw new LockSnapshotCorruptException("token " + lease.Token + " not in [1, applied " + body.AppliedIndex + "]");
        }

        if (lease.TtlMs == 0 || lease.TtlMs > config.MaxTtlMs)
        {
            throw new LockSnapshotCorruptException("ttl " + lease.TtlMs + " out of range");
        }

        if (lease.ExpiresAtMs < lease.TtlMs || lease.ExpiresAtMs > body.NowMs + config.MaxTtlMs)
        {
            throw new LockSnapshotCorruptException("expiry " + lease.ExpiresAtMs + " inconsistent with time " + body.NowMs);
        }
    }

    private static LockStateMachineConfig Validated(LockStateMachineConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        return config;
    }

    private static LockResult Rejected(Reason reason) => new() { Status = Status.Rejected, RejectReason = reason };

    private void AdvanceTime(ulong leaderTimeMs)
    {
        // An older reading (a deposed leader's entry, a clock that disagrees) never moves time back.
        _nowMs = Math.Max(_nowMs, leaderTimeMs);
    }

    private bool IsExpired(LockLeaseRecord lease) => _nowMs > lease.ExpiresAtMs + Config.MaxClockDriftMs;

    private LockResult Answer(Status status, LockLeaseRecord? lease = null)
    {
        var result = new LockResult { Status = status, NowMs = _nowMs, MaxClockDriftMs = Config.MaxClockDriftMs };
        if (lease is not null)
        {
            result.Owner = lease.Owner;
            result.Token = lease.Token;
            result.ExpiresAtMs = lease.ExpiresAtMs;
        }

        return result;
    }

    private LockResult Acquire(LockAcquire acquire, LogIndex index)
    {
        var existing = _leases.GetValueOrDefault(acquire.Name);
        if (existing is not null && !IsExpired(existing))
        {
            if (!existing.Owner.Equals(acquire.Owner))
            {
                return Answer(Status.Busy, existing);
            }

            // A retry by the holder: same token, lease extended (never shortened).
            existing.TtlMs = acquire.TtlMs;
            existing.ExpiresAtMs = Math.Max(existing.ExpiresAtMs, _nowMs + acquire.TtlMs);
            return Answer(Status.Granted, existing);
        }

        if (existing is null && _leases.Count >= Config.MaxLocks && !MaybeReclaimExpired())
        {
            return Rejected(Reason.LocksFull);
        }

        var granted = new LockLeaseRecord(acquire.Owner, index.Value, acquire.TtlMs, _nowMs + acquire.TtlMs);
        Invariant.Holds(existing is null || granted.Token > existing.Token, "token " + granted.Token + " after " + existing?.Token);
        _leases[acquire.Name] = granted;
        Invariant.Holds(_leases.Count <= Config.MaxLocks, "locks " + _leases.Count + ", max " + Config.MaxLocks);
        return Answer(Status.Granted, granted);
    }

    private LockResult Renew(LockRenew renew)
    {
        var lease = _leases.GetValueOrDefault(renew.Name);
        if (lease is null || IsExpired(lease) || lease.Token != renew.Token || !lease.Owner.Equals(renew.Owner))
        {
            return Answer(Status.LostLease);
        }

        if (renew.TtlMs != 0)
        {
            lease.TtlMs = renew.TtlMs;
        }

        lease.ExpiresAtMs = Math.Max(lease.ExpiresAtMs, _nowMs + lease.TtlMs);
        return Answer(Status.Ok, lease);
    }

    private LockResult Release(LockRelease release)
    {
        var lease = _leases.GetValueOrDefault(release.Name);
        if (lease is null || lease.Token != release.Token || !lease.Owner.Equals(release.Owner))
        {
            return Answer(Status.LostLease);
        }

        var expired = IsExpired(lease);
        _leases.Remove(release.Name);
        return Answer(expired ? Status.LostLease : Status.Ok);
    }

    /// <summary>Removes the expired record with the lowest token, if any; says whether it did.</summary>
    private bool MaybeReclaimExpired()
    {
        ByteString? oldest = null;
        ulong oldestToken = ulong.MaxValue;
        foreach (var (name, lease) in _leases)
        {
            if (IsExpired(lease) && lease.Token < oldestToken)
            {
                oldest = name;
                oldestToken = lease.Token;
            }
        }

        return oldest is not null && _leases.Remove(oldest);
    }
}
