namespace Synod.Grains.Raft;

/// <summary>
/// What a replica applies committed commands to. Deterministic: the same commands in the same
/// order give the same answers and the same state on every replica.
/// </summary>
public interface IReplicatedStateMachine
{
    /// <summary>Applies the command committed at <paramref name="index"/> and returns the answer for its client.</summary>
    byte[] Apply(ulong index, ReadOnlySpan<byte> command);

    /// <summary>Notes that the entry at <paramref name="index"/> carried no command (a leader's empty entry, a membership change).</summary>
    void MarkApplied(ulong index);

    /// <summary>Answers a read from the applied state.</summary>
    byte[] Query(ReadOnlySpan<byte> query);

    /// <summary>The whole state, for a snapshot.</summary>
    byte[] Snapshot();

    /// <summary>Replaces the whole state with a snapshot's.</summary>
    void Restore(ReadOnlySpan<byte> snapshot);
}
