namespace Synod.Grains.Raft;

/// <summary>
/// A state machine whose commands carry the proposing leader's time (the lock machine; see the
/// header of locks.proto). The leader replica stamps every command it proposes: within its term
/// with base + elapsed time on its own monotonic clock, base being <see cref="ObservedTimeMs"/>
/// once its term's first entry is applied; before that with <see cref="ObservedTimeMs"/> itself
/// (time stands still, so leases last longer, never shorter).
/// </summary>
public interface ILeaderTimedMachine
{
    /// <summary>The machine's time: the largest leader time it has applied, in milliseconds.</summary>
    ulong ObservedTimeMs { get; }

    /// <summary>
    /// The command with its leader time set to <paramref name="leaderTimeMs"/>; the command
    /// unchanged when it cannot be decoded (the machine rejects it when it is applied).
    /// </summary>
    byte[] StampLeaderTime(byte[] command, ulong leaderTimeMs);
}
