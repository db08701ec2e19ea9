using Google.Protobuf;
using Synod.Consensus.Raft;
using Synod.Grains.KeyValue;

namespace Synod.Grains.Tests.KeyValue;

/// <summary>
/// The specification the state machine is checked against: a dictionary, and per client the last
/// sequence, its saved response and the index it was last applied at. Written for clarity, not speed.
/// Keys and values are ASCII, so string length is byte length and ordinal order is byte order.
/// </summary>
internal sealed class KvModel(KvStateMachineConfig config)
{
    public SortedDictionary<string, string> Data { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, ModelSession> Sessions { get; } = new(StringComparer.Ordinal);

    public KvResult Apply(ulong index, ModelCommand command) => command switch
    {
        ModelGarbage garbage => KvResult.Rejected(garbage.Reason),
        ModelRegister register => Register(index, register.ClientId),
        ModelExpire expire => Expire(index, expire.IdleBefore),
        ModelRequest request => Request(index, request),
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };

    private KvResult Register(ulong index, string clientId)
    {
        if (!Sessions.ContainsKey(clientId) && Sessions.Count == config.MaxSessions)
        {
            Sessions.Remove(Sessions.MinBy(pair => pair.Value.LastAppliedIndex).Key);
        }

        var session = Sessions.GetValueOrDefault(clientId) ?? new ModelSession();
        session.LastAppliedIndex = index;
        Sessions[clientId] = session;
        return KvResult.Ok();
    }

    private KvResult Expire(ulong index, ulong idleBefore)
    {
        if (idleBefore > index)
        {
            return KvResult.Rejected(KvRejectReason.IndexInFuture);
        }

        foreach (var idle in Sessions.Where(pair => pair.Value.LastAppliedIndex < idleBefore).ToList())
        {
            Sessions.Remove(idle.Key);
        }

        return KvResult.Ok();
    }

    private KvResult Request(ulong index, ModelRequest request)
    {
        var invalid = Validate(request.Op);
        if (invalid != KvRejectReason.None)
        {
            return KvResult.Rejected(invalid);
        }

        if (!Sessions.TryGetValue(request.ClientId, out var session))
        {
            return KvResult.SessionExpired;
        }

        if (request.Sequence == session.LastSequence)
        {
            return session.Saved!;
        }

        if (request.Sequence < session.LastSequence)
        {
            return KvResult.StaleRequest;
        }

        var result = Execute(request.Op);
        session.LastSequence = request.Sequence;
        session.Saved = result;
        session.LastAppliedIndex = index;
        return result;
    }

    private KvRejectReason Validate(ModelOp op)
    {
        if (op.Key.Length == 0)
        {
            return KvRejectReason.KeyEmpty;
        }

        if (op.Key.Length > config.MaxKeyBytes)
        {
            return KvRejectReason.KeyTooLong;
        }

        var tooLong = (op.Value?.Length ?? 0) > config.MaxValueBytes || (op.Expected?.Length ?? 0) > config.MaxValueBytes;
        return tooLong ? KvRejectReason.ValueTooLong : KvRejectReason.None;
    }

    private KvResult Execute(ModelOp op)
    {
        var current = Data.GetValueOrDefault(op.Key);
        switch (op.Kind)
        {
            case ModelOpKind.Put:
                return Set(op.Key, op.Value!) ? KvResult.Ok(op.ReturnPrevious ? Utf8OrNull(current) : null) : KvResult.Rejected(KvRejectReason.StoreFull);
            case ModelOpKind.Delete:
                return Data.Remove(op.Key) ? KvResult.Ok(op.ReturnPrevious ? Utf8OrNull(current) : null) : KvResult.NotFound;
            default:
                if (current != op.Expected)
                {
                    return KvResult.CasMismatch(Utf8OrNull(current));
                }

                if (op.Value is null)
                {
                    Data.Remove(op.Key);
                    return KvResult.Ok();
                }

                return Set(op.Key, op.Value) ? KvResult.Ok() : KvResult.Rejected(KvRejectReason.StoreFull);
        }
    }

    private bool Set(string key, string value)
    {
        var others = Data.Where(pair => pair.Key != key).Sum(pair => (long)pair.Key.Length + pair.Value.Length + 8);
        if (others + key.Length + value.Length + 8 > config.MaxDataBytes)
        {
            return false;
        }

        Data[key] = value;
        return true;
    }

    private static ByteString? Utf8OrNull(string? text) => text is null ? null : ByteString.CopyFromUtf8(text);

    public enum ModelOpKind
    {
        Put,
        Delete,
        CompareAndSet,
    }

    /// <summary>A write as the model sees it. For compare-and-set, Expected null = "absent" and Value null = "delete".</summary>
    public sealed record ModelOp(ModelOpKind Kind, string Key, string? Value, string? Expected, bool ReturnPrevious);

    /// <summary>A committed command in the model's terms; <see cref="Encode"/> gives the bytes the machine applies.</summary>
    public abstract record ModelCommand
    {
        public abstract byte[] Encode(KvStateMachineConfig config);
    }

    public sealed record ModelRegister(string ClientId) : ModelCommand
    {
        public override byte[] Encode(KvStateMachineConfig config) => KvCommands.RegisterClient(ByteString.CopyFromUtf8(ClientId));
    }

    public sealed record ModelRequest(string ClientId, ulong Sequence, ModelOp Op) : ModelCommand
    {
        public override byte[] Encode(KvStateMachineConfig config)
        {
            var request = KvCommands.Request(ByteString.CopyFromUtf8(ClientId), Sequence);
            var key = ByteString.CopyFromUtf8(Op.Key);
            return Op.Kind switch
            {
                ModelOpKind.Put => KvCommands.Put(request, key, ByteString.CopyFromUtf8(Op.Value!), Op.ReturnPrevious),
                ModelOpKind.Delete => KvCommands.Delete(request, key, Op.ReturnPrevious),
                _ => KvCommands.CompareAndSet(request, key, Utf8OrNull(Op.Expected), Utf8OrNull(Op.Value)),
            };
        }

        private static ByteString? Utf8OrNull(string? text) => text is null ? null : ByteString.CopyFromUtf8(text);
    }

    public sealed record ModelExpire(ulong IdleBefore) : ModelCommand
    {
        public override byte[] Encode(KvStateMachineConfig config) => KvCommands.ExpireSessions(new LogIndex(IdleBefore));
    }

    /// <summary>Bytes that are not a valid command, and the reason every replica must give.</summary>
    public sealed record ModelGarbage(KvRejectReason Reason) : ModelCommand
    {
        public override byte[] Encode(KvStateMachineConfig config) => Reason switch
        {
            KvRejectReason.UnknownOperation => [],
            KvRejectReason.Undecodable => [0xFF],
            _ => new byte[config.MaxCommandBytes + 1],
        };
    }

    public sealed class ModelSession
    {
        public ulong LastSequence { get; set; }

        public KvResult? Saved { get; set; }

        public ulong LastAppliedIndex { get; set; }
    }
}
