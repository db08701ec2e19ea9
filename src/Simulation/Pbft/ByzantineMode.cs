namespace Synod.Simulation.Pbft;

/// <summary>Which replicas the seed may make Byzantine.</summary>
public enum ByzantineMode
{
    None = 0,

    /// <summary>The primary of view 0.</summary>
    Primary,

    /// <summary>Backups only.</summary>
    Backup,

    /// <summary>Up to f replicas anywhere, each with a strategy chosen by the seed.</summary>
    Random,
}

/// <summary>What a Byzantine replica does to the messages and replies it sends.</summary>
public enum ByzantineStrategy
{
    Silent,
    Equivocate,
    CorruptDigest,
    Replay,
    WrongView,
    CommitWithoutPrepare,
    LieInViewChange,
    CorruptReplies,

    /// <summary>Injects requests in real clients' names (it cannot compute their MACs for others).</summary>
    ForgeClientRequests,

    /// <summary>
    /// Colluding replicas show one batch to half the correct replicas and another to the rest.
    /// Harmless with at most f of them; with f+1 it breaks agreement (the canary).
    /// </summary>
    Collude,
}
