namespace Synod.Consensus.Raft;

/// <summary>What a log entry carries.</summary>
public enum EntryKind : byte
{
    /// <summary>A client command for the state machine.</summary>
    Command = 0,

    /// <summary>The empty entry a new leader appends to commit its term (paper §8).</summary>
    Empty = 1,

    /// <summary>A membership change; the payload is the whole new membership (thesis §4.1).</summary>
    MembershipChange = 2,
}
