namespace Synod.Simulation.Raft;

/// <summary>
/// Deliberately broken host behaviours, used only to show that the checkers can fail: each one
/// breaks a rule the Ready contract states, and the simulator must catch it.
/// </summary>
public enum HostBug
{
    /// <summary>The correct host.</summary>
    None = 0,

    /// <summary>Restarts with the vote of the current term forgotten (the vote is not persisted).</summary>
    ForgetVoteOnRestart,

    /// <summary>Sends a Ready's messages before persisting it, so a crash loses state it vouched for.</summary>
    SendBeforePersist,

    /// <summary>Serves reads from any replica's local state without ReadIndex.</summary>
    StaleLocalReads,
}
