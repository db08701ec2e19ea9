namespace Synod.Consensus.Raft;

/// <summary>
/// Counts of inputs a replica refused, so hosts can export them as metrics. Every message the core
/// ignores is counted under one of these reasons.
/// </summary>
public sealed class RaftCounters
{
    /// <summary>Messages addressed to another replica.</summary>
    public long MisaddressedMessages { get; internal set; }

    /// <summary>Messages from an older term (a stale leader or candidate).</summary>
    public long StaleTermMessages { get; internal set; }

    /// <summary>Vote requests ignored because a live leader was heard within the election timeout.</summary>
    public long VotesIgnoredInLease { get; internal set; }

    /// <summary>Messages that fail structural checks (non-contiguous entries, impossible sizes or indexes).</summary>
    public long MalformedMessages { get; internal set; }

    /// <summary>Messages that make no sense in the current role (for example a vote response to a follower).</summary>
    public long UnexpectedMessages { get; internal set; }

    /// <summary>Times a leader stepped down because it lost contact with a quorum.</summary>
    public long CheckQuorumStepDowns { get; internal set; }

    /// <summary>Elections started (pre-vote or real).</summary>
    public long Campaigns { get; internal set; }

    /// <summary>Times this replica went quiet (issue 6: quiescence of idle groups).</summary>
    public long Quiesced { get; internal set; }

    /// <summary>Times a quiet replica woke (a proposal, a read, a message or the host's wake-up).</summary>
    public long Woken { get; internal set; }
}
