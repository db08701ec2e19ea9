using Google.Protobuf;
using Synod.Consensus;
using Synod.Consensus.Raft;
using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.KeyValue;

/// <summary>
/// The replicated key-value store a Raft replica applies committed entries to: get, put, delete
/// and compare-and-set, with client sessions so that a retried request is applied exactly once
/// (Ongaro's thesis §6.3). Pure and deterministic: the same entries give the same results, state
/// and snapshot bytes on every replica. Not thread-safe; the replica grain owns it.
/// </summary>
/// <remarks>
/// <para>Sessions. A client registers a client id (<see cref="KvCommands.RegisterClient"/>, or
/// in its first request with <c>open_session</c> set), then numbers its requests from 1. For each session the machine keeps the highest sequence number
/// applied and that request's response: a request with that number again is a retry and gets the
/// saved response without being applied; a lower number gets <see cref="KvStatus.StaleRequest"/>.
/// A session therefore serves one outstanding request at a time.</para>
/// <para>Bounds. At most <see cref="KvStateMachineConfig.MaxSessions"/> sessions live at once;
/// registering one more evicts the one whose last applied request (or registration) has the
/// lowest log index. Log indexes are the same on every replica and each index touches at most one
/// session, so every replica evicts the same one. KvExpireSessions ends idle sessions the same
/// way. A request naming a client id without a session is answered
/// <see cref="KvStatus.SessionExpired"/> and not applied: since requests are only accepted from
/// registered ids, a retry from an evicted client can never be mistaken for a new request and
/// applied twice. The client must register a fresh id (never the evicted one again) and treat its
/// outstanding request as of unknown outcome.</para>
/// <para>Bad entries. An entry that cannot be decoded or breaks a limit is answered
/// <see cref="KvStatus.Rejected"/> and changes nothing but <see cref="AppliedIndex"/>; it is in the
/// log, so it must never throw. Only a broken invariant of the caller (indexes not increasing)
/// throws <see cref="InvariantViolationException"/>.</para>
/// </remarks>
public sealed class KvStateMachine
{
    // Invariant: AppliedIndex only increases; every session's LastAppliedIndex <= AppliedIndex.
    private LogIndex _appliedIndex;

    public KvStateMachine()
        : this(new KvStateMachineConfig())
    {
    }

    public KvStateMachine(KvStateMachineConfig config)
        : this(Validated(config), LogIndex.Zero)
    {
    }

    internal KvStateMachine(KvStateMachineConfig config, LogIndex appliedIndex)
    {
        Config = config;
        _appliedIndex = appliedIndex;
        Store = new KvStore(config.MaxDataBytes);
        Sessions = new KvSessionTable(config.MaxSessions);
        Fences = new KvFenceTable(config.MaxFences);
    }

    public KvStateMachineConfig Config { get; }

    /// <summary>The index of the last entry applied (or marked applied); zero before the first.</summary>
    public LogIndex AppliedIndex => _appliedIndex;

    public int KeyCount => Store.Count;

    /// <summary>Bytes of data as counted against <see cref="KvStateMachineConfig.MaxDataBytes"/>.</summary>
    public long DataBytes => Store.DataBytes;

    public int SessionCount => Sessions.Count;

    internal KvStore Store { get; }

    internal KvSessionTable Sessions { get; }

    internal KvFenceTable Fences { get; }

    /// <summary>The highest fencing token a write has carried for <paramref name="lockName"/>, or null if none has.</summary>
    public ulong? HighestFenceToken(ByteString lockName)
    {
        ArgumentNullException.ThrowIfNull(lockName);
        return Fences.HighestFor(lockName);
    }

    /// <summary>
    /// Applies the committed command at <paramref name="index"/>, which must be above
    /// <see cref="AppliedIndex"/>, and returns the answer for the client that proposed it.
    /// </summary>
    public KvResult Apply(LogIndex index, ReadOnlySpan<byte> command)
    {
        MarkApplied(index);
        if (!KvCommandDecoder.TryDecode(command, Config, index, out var decoded, out var reason))
        {
            return KvResult.Rejected(reason);
        }

        return decoded.OperationCase switch
        {
            KvCommand.OperationOneofCase.RegisterClient => RegisterClient(decoded.RegisterClient, index),
            KvCommand.OperationOneofCase.Put => ApplyRequest(decoded.Put.Request, decoded, index),
            KvCommand.OperationOneofCase.Delete => ApplyRequest(decoded.Delete.Request, decoded, index),
            KvCommand.OperationOneofCase.CompareAndSet => ApplyRequest(decoded.CompareAndSet.Request, decoded, index),
            KvCommand.OperationOneofCase.ExpireSessions => ExpireSessions(decoded.ExpireSessions),
            _ => throw new InvariantViolationException("decoder accepted operation " + decoded.OperationCase),
        };
    }

    /// <summary>
    /// Advances <see cref="AppliedIndex"/> over an entry that carries no key-value command (the
    /// leader's empty entry, a membership change), so that a snapshot taken there names it.
    /// </summary>
    public void MarkApplied(LogIndex index)
    {
        Invariant.Holds(index > _appliedIndex, "index " + index + ", applied " + _appliedIndex);
        _appliedIndex = index;
    }

    /// <summary>
    /// Reads a key from the applied state: Ok with the value, NotFound, or Rejected for a key that
    /// no command could have written. Linearizability is the caller's (ReadIndex) concern.
    /// </summary>
    public KvResult Get(ReadOnlySpan<byte> key)
    {
        var reason = KvCommandDecoder.CheckKey(key, Config);
        if (reason != KvRejectReason.None)
        {
            return KvResult.Rejected(reason);
        }

        var value = Store.Find(ByteString.CopyFrom(key));
        return value is null ? KvResult.NotFound : KvResult.Ok(value);
    }

    /// <inheritdoc cref="Get(ReadOnlySpan{byte})"/>
    public KvResult Get(ByteString key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Get(key.Span);
    }

    /// <summary>The whole state in the deterministic format of <see cref="KvSnapshotFormat"/>.</summary>
    public byte[] Snapshot() => KvSnapshotFormat.Write(_appliedIndex, Config, Store, Sessions, Fences);

    /// <summary>
    /// Rebuilds a state machine from <see cref="Snapshot"/> bytes, config included. Throws
    /// <see cref="KvSnapshotCorruptException"/> if the bytes fail any check.
    /// </summary>
    public static KvStateMachine Restore(ReadOnlySpan<byte> snapshot) => KvSnapshotFormat.Read(snapshot);

    /// <summary>Whether two machines hold the same state; if not, the first difference found.</summary>
    internal bool SameStateAs(KvStateMachine other, out string difference)
    {
        if (_appliedIndex != other._appliedIndex || Config != other.Config)
        {
            difference = "applied " + _appliedIndex + " with " + Config + " != applied " + other._appliedIndex + " with " + other.Config;
            return false;
        }

        return Store.SameAs(other.Store, out difference) && Sessions.SameAs(other.Sessions, out difference)
            && Fences.SameAs(other.Fences, out difference);
    }

    private static KvStateMachineConfig Validated(KvStateMachineConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        return config;
    }

    private KvResult RegisterClient(KvRegisterClient register, LogIndex index)
    {
        Sessions.Register(register.ClientId, index);
        return KvResult.Ok();
    }

    private KvResult ExpireSessions(KvExpireSessions expire)
    {
        Sessions.ExpireIdleBefore(new LogIndex(expire.IdleBeforeIndex));
        return KvResult.Ok();
    }

    /// <summary>The session check of §6.3, then the operation if the request is new.</summary>
    private KvResult ApplyRequest(KvRequestId request, KvCommand command, LogIndex index)
    {
        var session = Sessions.Find(request.ClientId);
        if (session is null && request is { OpenSession: true, Sequence: 1 })
        {
            // The client's first request opens its session in the same entry (KvRequestId.open_session).
            Sessions.Register(request.ClientId, index);
            session = Sessions.Find(request.ClientId);
        }

        if (session is null)
        {
            return KvResult.SessionExpired;
        }

        if (request.Sequence == session.LastSequence)
        {
            return session.LastResult!;
        }

        if (request.Sequence < session.LastSequence)
        {
            return KvResult.StaleRequest;
        }

        var result = AdmitFence(command) ?? command.OperationCase switch
        {
            KvCommand.OperationOneofCase.Put => Put(command.Put),
            KvCommand.OperationOneofCase.Delete => Delete(command.Delete),
            KvCommand.OperationOneofCase.CompareAndSet => CompareAndSet(command.CompareAndSet),
            _ => throw new InvariantViolationException("not a session request: " + command.OperationCase),
        };
        Sessions.RecordApplied(session, request.Sequence, result, index);
        return result;
    }

    /// <summary>
    /// The fence check of issue 6, after the session check so that a retry gets its saved answer:
    /// null if the write carries no fence or its token is not below the highest seen for its lock
    /// (a higher token is recorded even if the write then fails, since its holder exists).
    /// </summary>
    private KvResult? AdmitFence(KvCommand command)
    {
        var fence = command.OperationCase switch
        {
            KvCommand.OperationOneofCase.Put => command.Put.Fence,
            KvCommand.OperationOneofCase.Delete => command.Delete.Fence,
            KvCommand.OperationOneofCase.CompareAndSet => command.CompareAndSet.Fence,
            _ => null,
        };
        return fence is null ? null : Fences.Admit(fence.LockName, fence.Token);
    }

    private KvResult Put(KvPut put)
    {
        if (!Store.HasRoomFor(put.Key, put.Value))
        {
            return KvResult.Rejected(KvRejectReason.StoreFull);
        }

        var previous = Store.Set(put.Key, put.Value);
        return KvResult.Ok(put.ReturnPrevious ? previous : null);
    }

    private KvResult Delete(KvDelete delete)
    {
        var previous = Store.Remove(delete.Key);
        if (previous is null)
        {
            return KvResult.NotFound;
        }

        return KvResult.Ok(delete.ReturnPrevious ? previous : null);
    }

    private KvResult CompareAndSet(KvCompareAndSet cas)
    {
        var current = Store.Find(cas.Key);
        var holds = cas.ExpectedCase == KvCompareAndSet.ExpectedOneofCase.ExpectedAbsent
            ? current is null
            : current is not null && current.Equals(cas.ExpectedValue);
        if (!holds)
        {
            return KvResult.CasMismatch(current);
        }

        if (cas.ReplacementCase == KvCompareAndSet.ReplacementOneofCase.DeleteKey)
        {
            Store.Remove(cas.Key);
            return KvResult.Ok();
        }

        if (!Store.HasRoomFor(cas.Key, cas.NewValue))
        {
            return KvResult.Rejected(KvRejectReason.StoreFull);
        }

        Store.Set(cas.Key, cas.NewValue);
        return KvResult.Ok();
    }
}
