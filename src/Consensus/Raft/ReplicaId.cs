namespace Synod.Consensus.Raft;

/// <summary>Identifies a replica within its group. 0 is reserved for "none".</summary>
public readonly record struct ReplicaId(ulong Value) : IComparable<ReplicaId>
{
    public static readonly ReplicaId None;

    public bool IsNone => Value == 0;

    public int CompareTo(ReplicaId other) => Value.CompareTo(other.Value);

    public static bool operator <(ReplicaId left, ReplicaId right) => left.Value < right.Value;
    public static bool operator >(ReplicaId left, ReplicaId right) => left.Value > right.Value;
    public static bool operator <=(ReplicaId left, ReplicaId right) => left.Value <= right.Value;
    public static bool operator >=(ReplicaId left, ReplicaId right) => left.Value >= right.Value;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
