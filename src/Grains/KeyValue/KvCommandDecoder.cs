using System.Diagnostics.CodeAnalysis;
using Google.Protobuf;
using Synod.Consensus.Raft;
using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.KeyValue;

/// <summary>
/// Decodes a committed entry's bytes into a KvCommand and checks it against the limits. A command
/// is in the log whatever it holds, so this never throws on its input: every replica reaches the
/// same verdict from the same bytes, config and index.
/// </summary>
internal static class KvCommandDecoder
{
    public static bool TryDecode(
        ReadOnlySpan<byte> bytes,
        KvStateMachineConfig config,
        LogIndex index,
        [NotNullWhen(true)] out KvCommand? command,
        out KvRejectReason reason)
    {
        command = null;
        if (bytes.Length > config.MaxCommandBytes)
        {
            reason = KvRejectReason.CommandTooLarge;
            return false;
        }

        KvCommand decoded;
        try
        {
            decoded = KvCommand.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            // Safe: the parser reports every malformed input this way and has built no state.
            reason = KvRejectReason.Undecodable;
            return false;
        }

        reason = Validate(decoded, config, index);
        if (reason != KvRejectReason.None)
        {
            return false;
        }

        command = decoded;
        return true;
    }

    private static KvRejectReason Validate(KvCommand command, KvStateMachineConfig config, LogIndex index) =>
        command.OperationCase switch
        {
            KvCommand.OperationOneofCase.RegisterClient => CheckClientId(command.RegisterClient.ClientId, config),
            KvCommand.OperationOneofCase.Put => Either(CheckPut(command.Put, config), CheckFence(command.Put.Fence, config)),
            KvCommand.OperationOneofCase.Delete => Either(CheckRequest(command.Delete.Request, command.Delete.Key, config), CheckFence(command.Delete.Fence, config)),
            KvCommand.OperationOneofCase.CompareAndSet => Either(CheckCompareAndSet(command.CompareAndSet, config), CheckFence(command.CompareAndSet.Fence, config)),
            KvCommand.OperationOneofCase.ExpireSessions =>
                command.ExpireSessions.IdleBeforeIndex > index.Value ? KvRejectReason.IndexInFuture : KvRejectReason.None,
            _ => KvRejectReason.UnknownOperation,
        };

    private static KvRejectReason CheckPut(KvPut put, KvStateMachineConfig config)
    {
        var reason = CheckRequest(put.Request, put.Key, config);
        return reason != KvRejectReason.None ? reason : CheckValue(put.Value, config);
    }

    private static KvRejectReason CheckCompareAndSet(KvCompareAndSet cas, KvStateMachineConfig config)
    {
        var reason = CheckRequest(cas.Request, cas.Key, config);
        if (reason != KvRejectReason.None)
        {
            return reason;
        }

        reason = cas.ExpectedCase switch
        {
            KvCompareAndSet.ExpectedOneofCase.ExpectedValue => CheckValue(cas.ExpectedValue, config),
            KvCompareAndSet.ExpectedOneofCase.ExpectedAbsent => KvRejectReason.None,
            _ => KvRejectReason.MissingExpectation,
        };
        if (reason != KvRejectReason.None)
        {
            return reason;
        }

        return cas.ReplacementCase switch
        {
            KvCompareAndSet.ReplacementOneofCase.NewValue => CheckValue(cas.NewValue, config),
            KvCompareAndSet.ReplacementOneofCase.DeleteKey => KvRejectReason.None,
            _ => KvRejectReason.MissingReplacement,
        };
    }

    private static KvRejectReason CheckRequest(KvRequestId? request, ByteString key, KvStateMachineConfig config)
    {
        if (request is null)
        {
            return KvRejectReason.MissingRequestId;
        }

        var reason = CheckClientId(request.ClientId, config);
        if (reason != KvRejectReason.None)
        {
            return reason;
        }

        if (request.Sequence == 0)
        {
            return KvRejectReason.SequenceZero;
        }

        return CheckKey(key, config);
    }

    private static KvRejectReason Either(KvRejectReason first, KvRejectReason second) =>
        first != KvRejectReason.None ? first : second;

    /// <summary>No fence is fine; a present one needs a lock name of 1 to MaxLockNameBytes bytes and a token above 0.</summary>
    private static KvRejectReason CheckFence(KvFence? fence, KvStateMachineConfig config) =>
        fence is null ? KvRejectReason.None
        : fence.LockName.IsEmpty || fence.LockName.Length > config.MaxLockNameBytes || fence.Token == 0 ? KvRejectReason.FenceInvalid
        : KvRejectReason.None;

    private static KvRejectReason CheckClientId(ByteString clientId, KvStateMachineConfig config) =>
        clientId.Length == 0 ? KvRejectReason.ClientIdEmpty
        : clientId.Length > config.MaxClientIdBytes ? KvRejectReason.ClientIdTooLong
        : KvRejectReason.None;

    internal static KvRejectReason CheckKey(ReadOnlySpan<byte> key, KvStateMachineConfig config) =>
        key.IsEmpty ? KvRejectReason.KeyEmpty
        : key.Length > config.MaxKeyBytes ? KvRejectReason.KeyTooLong
        : KvRejectReason.None;

    private static KvRejectReason CheckKey(ByteString key, KvStateMachineConfig config) => CheckKey(key.Span, config);

    private static KvRejectReason CheckValue(ByteString value, KvStateMachineConfig config) =>
        value.Length > config.MaxValueBytes ? KvRejectReason.ValueTooLong : KvRejectReason.None;
}
