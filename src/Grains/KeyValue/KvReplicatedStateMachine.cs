using Synod.Consensus.Raft;
using Synod.Grains.Raft;

namespace Synod.Grains.KeyValue;

/// <summary>
/// The key-value state machine as a Raft replica applies it: commands and reads in their wire
/// form (<c>KvCommand</c> in, <c>KvResult</c> out), snapshots in <see cref="KvStateMachine"/>'s format.
/// </summary>
public sealed class KvReplicatedStateMachine(KvStateMachineConfig config) : IReplicatedStateMachine
{
    private KvStateMachine _machine = new(config);

    /// <summary>The state machine itself, for status and tests.</summary>
    public KvStateMachine Machine => _machine;

    /// <inheritdoc/>
    public byte[] Apply(ulong index, ReadOnlySpan<byte> command) => KvResultCodec.Encode(_machine.Apply(new LogIndex(index), command));

    /// <inheritdoc/>
    public void MarkApplied(ulong index) => _machine.MarkApplied(new LogIndex(index));

    /// <inheritdoc/>
    public byte[] Query(ReadOnlySpan<byte> query) => KvResultCodec.Encode(_machine.Get(query));

    /// <inheritdoc/>
    public byte[] Snapshot() => _machine.Snapshot();

    /// <inheritdoc/>
    public void Restore(ReadOnlySpan<byte> snapshot) => _machine = KvStateMachine.Restore(snapshot);
}
