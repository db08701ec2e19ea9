using System.Collections.Immutable;
using Synod.Consensus.Generals;

namespace Synod.Generals.Tests.Harness;

/// <summary>Shorthands for the searches the tests run.</summary>
internal static class Search
{
    /// <summary>OM(<paramref name="depth"/>) for every placement of at most <paramref name="traitors"/> traitors, both orders, every standard strategy.</summary>
    public static OralMessagesSearchResult UpTo(int generals, int traitors, int depth, Action<OralMessagesCase>? observe = null) =>
        OralMessagesSearch.Run(
            new OralMessagesSearchOptions { Generals = generals, Traitors = traitors, Depth = depth, IncludeFewerTraitors = true },
            observe);

    /// <summary>
    /// OM(<paramref name="depth"/>) for every placement of at most <paramref name="traitors"/> traitors,
    /// both orders and every possible behaviour of the traitors (see <see cref="EnumeratedTraitor"/>).
    /// </summary>
    public static ImmutableArray<OralMessagesCase> EveryBehaviour(int generals, int traitors, int depth, out int runs)
    {
        var violations = ImmutableArray.CreateBuilder<OralMessagesCase>();
        runs = 0;
        foreach (var placement in TraitorPlacements.UpTo(generals, traitors))
        {
            foreach (var order in new[] { Order.Attack, Order.Retreat })
            {
                var slots = Run(generals, depth, order, placement, new EnumeratedTraitor(0)).Queries;
                for (long code = 0; code < (long)Math.Pow(3, slots); code++)
                {
                    var strategy = new EnumeratedTraitor(code);
                    var outcome = OralMessages.Run(Scenario(generals, depth, order, placement, strategy));
                    var verdict = InteractiveConsistency.Check(outcome);
                    runs++;
                    if (!verdict.Holds)
                    {
                        violations.Add(new OralMessagesCase(outcome, verdict));
                    }
                }
            }
        }

        return violations.ToImmutable();
    }

    public static OralMessagesScenario Scenario(int generals, int depth, Order order, ImmutableArray<GeneralId> traitors, ITraitorStrategy strategy) =>
        new() { Generals = generals, Depth = depth, Order = order, Traitors = traitors, Strategy = strategy };

    public static ImmutableArray<GeneralId> Traitors(params int[] ids) => [.. ids.Select(id => new GeneralId(id))];

    private static EnumeratedTraitor Run(int generals, int depth, Order order, ImmutableArray<GeneralId> traitors, EnumeratedTraitor strategy)
    {
        OralMessages.Run(Scenario(generals, depth, order, traitors, strategy));
        return strategy;
    }
}
