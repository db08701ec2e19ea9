namespace Synod.Consensus.Pbft;

/// <summary>A PBFT view number; the primary of view v is replica v mod n.</summary>
public readonly record struct View(ulong Value) : IComparable<View>
{
    public View Next() => new(Value + 1);

    public ReplicaIndex Primary(int replicaCount) => new((int)(Value % (ulong)replicaCount));

    public int CompareTo(View other) => Value.CompareTo(other.Value);

    public static bool operator <(View left, View right) => left.Value < right.Value;
    public static bool operator >(View left, View right) => left.Value > right.Value;
    public static bool operator <=(View left, View right) => left.Value <= right.Value;
    public static bool operator >=(View left, View right) => left.Value >= right.Value;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
