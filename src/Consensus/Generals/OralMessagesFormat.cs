using System.Text;

namespace Synod.Consensus.Generals;

/// <summary>Readable descriptions of runs, for reports and test failures. Everything is listed by ascending id.</summary>
public static class OralMessagesFormat
{
    /// <summary>Most lies listed when describing a case.</summary>
    public const int MaxListedLies = 8;

    /// <summary>Formats generals as a set: <c>{1, 3}</c>.</summary>
    public static string Generals(IEnumerable<GeneralId> generals) => "{" + string.Join(", ", generals.Order()) + "}";

    /// <summary>Each loyal lieutenant's decision: <c>1=attack 3=retreat</c>.</summary>
    public static string Decisions(OralMessagesOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Decisions.IsEmpty
            ? "(no loyal lieutenant)"
            : string.Join(' ', outcome.Decisions.Select(d => $"{d.Lieutenant}={Orders.Name(d.Order)}"));
    }

    /// <summary>The verdict on both conditions: <c>IC1 holds, IC2 n/a</c>.</summary>
    public static string Verdict(InteractiveConsistencyVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        return $"IC1 {Status(verdict.IC1)}, IC2 {Status(verdict.IC2)}";
    }

    /// <summary>The scenario in one phrase: <c>OM(1), 3 generals, traitors {2} (invert), loyal commander orders attack</c>.</summary>
    public static string Scenario(OralMessagesScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var commander = scenario.CommanderIsLoyal
            ? $"loyal commander orders {Orders.Name(scenario.Order)}"
            : $"traitor commander (a loyal one would order {Orders.Name(scenario.Order)})";
        return $"OM({scenario.Depth}), {scenario.Generals} generals, traitors {Generals(scenario.Traitors)} ({scenario.Strategy.Name}), {commander}";
    }

    /// <summary>
    /// A case in full: the scenario, the decisions, the verdict and the traitors' lies (messages whose
    /// value differs from what a loyal sender would have sent), the first <see cref="MaxListedLies"/> of them.
    /// </summary>
    public static string Describe(OralMessagesCase @case)
    {
        ArgumentNullException.ThrowIfNull(@case);
        var text = new StringBuilder()
            .Append(Scenario(@case.Scenario))
            .Append(": loyal lieutenants decide ").Append(Decisions(@case.Outcome))
            .Append("; ").Append(@case.Verdict.Holds ? Verdict(@case.Verdict) : @case.Verdict.Detail);
        var lies = @case.Outcome.Transcript.Where(m => m.IsLie).ToList();
        if (lies.Count > 0)
        {
            text.Append("; lies: ").AppendJoin(", ", lies.Take(MaxListedLies).Select(Lie));
            if (lies.Count > MaxListedLies)
            {
                text.Append(", and ").Append(lies.Count - MaxListedLies).Append(" more");
            }
        }

        return text.ToString();
    }

    private static string Lie(OralMessage message)
    {
        var sent = message.Sent is null ? "nothing" : Orders.Name(message.Received);
        return $"{message.Sender} told {message.Recipient} {sent} along {message.Path} (loyal: {Orders.Name(message.LoyalValue)})";
    }

    private static string Status(ConditionStatus status) => status switch
    {
        ConditionStatus.Holds => "holds",
        ConditionStatus.Violated => "VIOLATED",
        _ => "n/a",
    };
}
