using Google.Protobuf;
using Synod.Consensus.Raft;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.Raft;

namespace Synod.Grains.Locks;

/// <summary>
/// The lock state machine as a Raft replica applies it: <c>LockCommand</c> in, <c>LockResult</c>
/// out; a query is a lock name's bytes; snapshots in <see cref="LockSnapshotFormat"/>.
/// </summary>
public sealed class LockReplicatedStateMachine(LockStateMachineConfig config) : IReplicatedStateMachine, ILeaderTimedMachine
{
    private LockStateMachine _machine = new(config);

    /// <summary>The state machine itself, for status and tests.</summary>
    public LockStateMachine Machine => _machine;

    /// <inheritdoc/>
    public ulong ObservedTimeMs => _machine.NowMs;

    /// <inheritdoc/>
    public byte[] StampLeaderTime(byte[] command, ulong leaderTimeMs)
    {
        ArgumentNullException.ThrowIfNull(command);
        LockCommand parsed;
        try
        {
            parsed = LockCommand.Parser.ParseFrom(command);
        }
        catch (InvalidProtocolBufferException)
        {
            // Safe: a malformed command is proposed as it is and answered REJECTED when applied.
            return command;
        }

        parsed.LeaderTimeMs = leaderTimeMs;
        return parsed.ToByteArray();
    }

    /// <inheritdoc/>
    public byte[] Apply(ulong index, ReadOnlySpan<byte> command) => _machine.Apply(new LogIndex(index), command).ToByteArray();

    /// <inheritdoc/>
    public void MarkApplied(ulong index) => _machine.MarkApplied(new LogIndex(index));

    /// <inheritdoc/>
    public byte[] Query(ReadOnlySpan<byte> query) => _machine.Query(query).ToByteArray();

    /// <inheritdoc/>
    public byte[] Snapshot() => _machine.Snapshot();

    /// <inheritdoc/>
    public void Restore(ReadOnlySpan<byte> snapshot) => _machine = LockStateMachine.Restore(snapshot);
}
