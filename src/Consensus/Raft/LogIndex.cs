namespace Synod.Consensus.Raft;

/// <summary>A position in the replicated log; the first entry has index 1, 0 means "none".</summary>
public readonly record struct LogIndex(ulong Value) : IComparable<LogIndex>
{
    public static readonly LogIndex Zero;

    public LogIndex Next() => new(Value + 1);

    public LogIndex Previous() => Value == 0 ? this : new(Value - 1);

    public LogIndex Plus(ulong count) => new(Value + count);

    public int CompareTo(LogIndex other) => Value.CompareTo(other.Value);

    public static LogIndex Min(LogIndex a, LogIndex b) => a.Value <= b.Value ? a : b;
    public static LogIndex Max(LogIndex a, LogIndex b) => a.Value >= b.Value ? a : b;

    public static bool operator <(LogIndex left, LogIndex right) => left.Value < right.Value;
    public static bool operator >(LogIndex left, LogIndex right) => left.Value > right.Value;
    public static bool operator <=(LogIndex left, LogIndex right) => left.Value <= right.Value;
    public static bool operator >=(LogIndex left, LogIndex right) => left.Value >= right.Value;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
