using System.Collections.Immutable;

namespace Synod.Consensus.Generals;

/// <summary>
/// What a run of OM(m) produced: the decision of every loyal lieutenant in ascending id order
/// (a traitor's decision means nothing, §1) and every message exchanged, in the order sent.
/// </summary>
public sealed record OralMessagesOutcome(
    OralMessagesScenario Scenario,
    ImmutableArray<LieutenantDecision> Decisions,
    ImmutableArray<OralMessage> Transcript);
