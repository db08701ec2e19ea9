namespace Synod.Runtime.Transport;

/// <summary>The identity of a silo in the cluster configuration.</summary>
/// <param name="Value">A small non-negative number, unique in the cluster.</param>
public readonly record struct SiloId(int Value) : IComparable<SiloId>
{
    /// <inheritdoc/>
    public int CompareTo(SiloId other) => Value.CompareTo(other.Value);

    /// <inheritdoc/>
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
