namespace Synod.Grains.Pbft;

/// <summary>
/// How a deliberately faulty PBFT replica misbehaves (for tests and demonstrations; ideas from the
/// simulator's Byzantine strategies). The replica runs the correct core; only what leaves it changes.
/// </summary>
public enum PbftByzantineMode
{
    /// <summary>A correct replica.</summary>
    None = 0,

    /// <summary>Sends nothing and answers no client: indistinguishable from a crash.</summary>
    Silent,

    /// <summary>Agrees correctly but answers clients with a corrupted result under a valid MAC.</summary>
    CorruptReplies,

    /// <summary>Sends conflicting pre-prepares, prepares and commits (other digests, validly signed) to half its peers.</summary>
    Equivocate,
}
