using System.Diagnostics.CodeAnalysis;
using Google.Protobuf;
using Synod.Grains.Interfaces.Wire;
using Reason = Synod.Grains.Interfaces.Wire.LockResult.Types.RejectReason;

namespace Synod.Grains.Locks;

/// <summary>
/// Decodes a committed entry's bytes into a LockCommand and checks it against the limits. A
/// command is in the log whatever it holds, so this never throws on its input: every replica
/// reaches the same verdict from the same bytes and config. <see cref="Reason.Unspecified"/> means
/// no problem.
/// </summary>
internal static class LockCommandDecoder
{
    public static bool TryDecode(
        ReadOnlySpan<byte> bytes,
        LockStateMachineConfig config,
        [NotNullWhen(true)] out LockCommand? command,
        out Reason reason)
    {
        command = null;
        if (bytes.Length > config.MaxCommandBytes)
        {
            reason = Reason.CommandTooLarge;
            return false;
        }

        LockCommand decoded;
        try
        {
            decoded = LockCommand.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            // Safe: the parser reports every malformed input this way and has built no state.
            reason = Reason.Undecodable;
            return false;
        }

        reason = Validate(decoded, config);
        if (reason != Reason.Unspecified)
        {
            return false;
        }

        command = decoded;
        return true;
    }

    public static Reason CheckName(ReadOnlySpan<byte> name, LockStateMachineConfig config) =>
        name.IsEmpty ? Reason.NameEmpty
        : name.Length > config.MaxNameBytes ? Reason.NameTooLong
        : Reason.Unspecified;

    public static Reason CheckOwner(ReadOnlySpan<byte> owner, LockStateMachineConfig config) =>
        owner.IsEmpty ? Reason.OwnerEmpty
        : owner.Length > config.MaxOwnerBytes ? Reason.OwnerTooLong
        : Reason.Unspecified;

    private static Reason Validate(LockCommand command, LockStateMachineConfig config)
    {
        if (command.LeaderTimeMs > LockStateMachineConfig.MaxLeaderTimeMs)
        {
            return Reason.TimeOutOfRange;
        }

        return command.OperationCase switch
        {
            LockCommand.OperationOneofCase.Acquire => CheckHolder(command.Acquire.Name, command.Acquire.Owner, config)
                is var r and not Reason.Unspecified ? r : CheckTtl(command.Acquire.TtlMs, allowZero: false, config),
            LockCommand.OperationOneofCase.Renew => CheckTokenHolder(command.Renew.Name, command.Renew.Owner, command.Renew.Token, config)
                is var r and not Reason.Unspecified ? r : CheckTtl(command.Renew.TtlMs, allowZero: true, config),
            LockCommand.OperationOneofCase.Release => CheckTokenHolder(command.Release.Name, command.Release.Owner, command.Release.Token, config),
            _ => Reason.UnknownOperation,
        };
    }

    private static Reason CheckHolder(ByteString name, ByteString owner, LockStateMachineConfig config) =>
        CheckName(name.Span, config) is var r and not Reason.Unspecified ? r : CheckOwner(owner.Span, config);

    private static Reason CheckTokenHolder(ByteString name, ByteString owner, ulong token, LockStateMachineConfig config) =>
        CheckHolder(name, owner, config) is var r and not Reason.Unspecified ? r
        : token == 0 ? Reason.TokenZero
        : Reason.Unspecified;

    private static Reason CheckTtl(ulong ttlMs, bool allowZero, LockStateMachineConfig config) =>
        (ttlMs == 0 && !allowZero) || ttlMs > config.MaxTtlMs ? Reason.TtlOutOfRange : Reason.Unspecified;
}
