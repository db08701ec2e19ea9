namespace Synod.Consensus.Raft;

/// <summary>The (index, term) pair that identifies a log entry (paper §5.3, Log Matching).</summary>
public readonly record struct LogPosition(LogIndex Index, Term Term)
{
    /// <summary>
    /// Whether a log ending here is at least as up to date as one ending at <paramref name="other"/>
    /// (paper §5.4.1: later term wins, then the longer log).
    /// </summary>
    public bool IsAtLeastAsUpToDateAs(LogPosition other) =>
        Term > other.Term || (Term == other.Term && Index >= other.Index);

    public override string ToString() => $"{Index}@{Term}";
}
