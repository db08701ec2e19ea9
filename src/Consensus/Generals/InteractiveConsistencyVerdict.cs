namespace Synod.Consensus.Generals;

/// <summary>
/// The interactive-consistency conditions of paper §1 for one run. <see cref="Detail"/> says in a
/// sentence what went wrong, and is empty when both held.
/// </summary>
public sealed record InteractiveConsistencyVerdict(ConditionStatus IC1, ConditionStatus IC2, string Detail)
{
    public bool Holds => IC1 != ConditionStatus.Violated && IC2 != ConditionStatus.Violated;
}
