namespace Synod.Consensus.Generals;

/// <summary>
/// The two orders of "The Byzantine Generals Problem" (Lamport, Shostak, Pease 1982, §1).
/// <see cref="Retreat"/> is zero so that <c>default(Order)</c> is the paper's default value (§3):
/// a lieutenant who receives no value, or one he cannot read, uses RETREAT.
/// </summary>
public enum Order
{
    Retreat = 0,
    Attack = 1,
}
