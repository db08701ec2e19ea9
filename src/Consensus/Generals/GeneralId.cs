using System.Globalization;

namespace Synod.Consensus.Generals;

/// <summary>
/// Identifies one of the n generals: 0 is the commander, 1..n-1 are the lieutenants (paper §1
/// numbers the lieutenants 1..n-1 in the same way).
/// </summary>
public readonly record struct GeneralId(int Value) : IComparable<GeneralId>
{
    public static readonly GeneralId Commander = new(0);

    public bool IsCommander => Value == 0;

    public int CompareTo(GeneralId other) => Value.CompareTo(other.Value);

    public static bool operator <(GeneralId left, GeneralId right) => left.Value < right.Value;
    public static bool operator >(GeneralId left, GeneralId right) => left.Value > right.Value;
    public static bool operator <=(GeneralId left, GeneralId right) => left.Value <= right.Value;
    public static bool operator >=(GeneralId left, GeneralId right) => left.Value >= right.Value;

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
