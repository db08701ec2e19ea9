namespace Synod.Consensus.Raft;

/// <summary>One replicated log entry. Immutable; the payload is owned by the log once proposed.</summary>
public readonly record struct Entry(LogIndex Index, Term Term, EntryKind Kind, ReadOnlyMemory<byte> Data)
{
    public LogPosition Position => new(Index, Term);

    public override string ToString() => $"{Index}@{Term}:{Kind}({Data.Length}B)";
}
