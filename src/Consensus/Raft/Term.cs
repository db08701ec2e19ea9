namespace Synod.Consensus.Raft;

/// <summary>A Raft term (paper §5.1): a logical clock that only grows.</summary>
public readonly record struct Term(ulong Value) : IComparable<Term>
{
    public static readonly Term Zero;

    public Term Next() => new(Value + 1);

    public int CompareTo(Term other) => Value.CompareTo(other.Value);

    public static bool operator <(Term left, Term right) => left.Value < right.Value;
    public static bool operator >(Term left, Term right) => left.Value > right.Value;
    public static bool operator <=(Term left, Term right) => left.Value <= right.Value;
    public static bool operator >=(Term left, Term right) => left.Value >= right.Value;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
