namespace Synod.Consensus.Pbft;

/// <summary>A PBFT replica's index i in 0..n-1 (Castro and Liskov §4: the primary of view v is v mod n).</summary>
public readonly record struct ReplicaIndex(int Value) : IComparable<ReplicaIndex>
{
    public int CompareTo(ReplicaIndex other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
