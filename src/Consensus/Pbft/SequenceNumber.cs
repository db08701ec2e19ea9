namespace Synod.Consensus.Pbft;

/// <summary>The sequence number the primary assigns to a batch of requests; 0 means "none".</summary>
public readonly record struct SequenceNumber(ulong Value) : IComparable<SequenceNumber>
{
    public SequenceNumber Next() => new(Value + 1);

    public SequenceNumber Plus(ulong count) => new(Value + count);

    public int CompareTo(SequenceNumber other) => Value.CompareTo(other.Value);

    public static bool operator <(SequenceNumber left, SequenceNumber right) => left.Value < right.Value;
    public static bool operator >(SequenceNumber left, SequenceNumber right) => left.Value > right.Value;
    public static bool operator <=(SequenceNumber left, SequenceNumber right) => left.Value <= right.Value;
    public static bool operator >=(SequenceNumber left, SequenceNumber right) => left.Value >= right.Value;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
