using System.Collections.Immutable;

namespace Synod.Consensus.Generals;

/// <summary>
/// Runs OM(m) over every traitor placement, commander order and strategy of a search, checks IC1
/// and IC2 for each run, and hands every case to an observer as it is made (so that a caller can
/// report without the search keeping every transcript).
/// </summary>
public static class OralMessagesSearch
{
    public static OralMessagesSearchResult Run(OralMessagesSearchOptions options, Action<OralMessagesCase>? observe = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var placements = 0;
        var cases = 0;
        var violationCount = 0;
        var violations = ImmutableArray.CreateBuilder<OralMessagesCase>();
        foreach (var traitors in Placements(options))
        {
            placements++;
            foreach (var @case in Cases(options, traitors))
            {
                cases++;
                observe?.Invoke(@case);
                if (!@case.Verdict.Holds)
                {
                    violationCount++;
                    if (violations.Count < options.MaxRecordedViolations)
                    {
                        violations.Add(@case);
                    }
                }
            }
        }

        return new OralMessagesSearchResult(options, placements, cases, violationCount, violations.ToImmutable());
    }

    private static IEnumerable<ImmutableArray<GeneralId>> Placements(OralMessagesSearchOptions options) =>
        options.IncludeFewerTraitors
            ? TraitorPlacements.UpTo(options.Generals, options.Traitors)
            : TraitorPlacements.OfSize(options.Generals, options.Traitors);

    private static IEnumerable<OralMessagesCase> Cases(OralMessagesSearchOptions options, ImmutableArray<GeneralId> traitors)
    {
        foreach (var order in options.CommanderOrders)
        {
            foreach (var strategy in options.Strategies)
            {
                var outcome = OralMessages.Run(new OralMessagesScenario
                {
                    Generals = options.Generals,
                    Depth = options.Depth,
                    Order = order,
                    Traitors = traitors,
                    Strategy = strategy.Create(),
                });
                yield return new OralMessagesCase(outcome, InteractiveConsistency.Check(outcome));
            }
        }
    }
}
