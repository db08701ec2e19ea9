namespace Synod.Consensus.Generals;

/// <summary>One run of a search and its verdict.</summary>
public sealed record OralMessagesCase(OralMessagesOutcome Outcome, InteractiveConsistencyVerdict Verdict)
{
    public OralMessagesScenario Scenario => Outcome.Scenario;
}
