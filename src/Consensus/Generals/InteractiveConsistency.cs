using System.Collections.Immutable;

namespace Synod.Consensus.Generals;

/// <summary>
/// Checks a run against the interactive-consistency conditions (paper §1):
/// IC1, all loyal lieutenants obey the same order; IC2, if the commander is loyal, every loyal
/// lieutenant obeys the order he sends.
/// </summary>
public static class InteractiveConsistency
{
    public static InteractiveConsistencyVerdict Check(OralMessagesOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var ic1 = CheckIC1(outcome.Decisions, out var ic1Detail);
        var ic2 = CheckIC2(outcome.Scenario, outcome.Decisions, out var ic2Detail);
        var detail = string.Join("; ", new[] { ic1Detail, ic2Detail }.Where(d => d.Length > 0));
        return new InteractiveConsistencyVerdict(ic1, ic2, detail);
    }

    private static ConditionStatus CheckIC1(ImmutableArray<LieutenantDecision> decisions, out string detail)
    {
        var attackers = decisions.Where(d => d.Order == Order.Attack).Select(d => d.Lieutenant).ToList();
        var retreaters = decisions.Where(d => d.Order == Order.Retreat).Select(d => d.Lieutenant).ToList();
        if (attackers.Count == 0 || retreaters.Count == 0)
        {
            detail = "";
            return ConditionStatus.Holds;
        }

        detail = $"IC1 violated: loyal lieutenants disagree, {OralMessagesFormat.Generals(attackers)} attack " +
            $"while {OralMessagesFormat.Generals(retreaters)} retreat";
        return ConditionStatus.Violated;
    }

    private static ConditionStatus CheckIC2(OralMessagesScenario scenario, ImmutableArray<LieutenantDecision> decisions, out string detail)
    {
        detail = "";
        if (!scenario.CommanderIsLoyal)
        {
            return ConditionStatus.Vacuous;
        }

        var disobedient = decisions.Where(d => d.Order != scenario.Order).Select(d => d.Lieutenant).ToList();
        if (disobedient.Count == 0)
        {
            return ConditionStatus.Holds;
        }

        detail = $"IC2 violated: the loyal commander ordered {Orders.Name(scenario.Order)} but loyal " +
            $"lieutenant(s) {OralMessagesFormat.Generals(disobedient)} decide {Orders.Name(Orders.Opposite(scenario.Order))}";
        return ConditionStatus.Violated;
    }
}
