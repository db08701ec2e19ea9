using Synod.Consensus.Generals;
using Synod.Generals.Tests.Harness;

namespace Synod.Generals.Tests;

public sealed class TheoremTests
{
    [Theory]
    [InlineData(2, 0, 1)]
    [InlineData(4, 1, 1 + 4)]
    [InlineData(5, 1, 1 + 5)]
    [InlineData(7, 2, 1 + 7 + 21)]
    [InlineData(8, 2, 1 + 8 + 28)]
    public void OM_m_satisfies_IC1_and_IC2_for_every_placement_of_at_most_m_traitors_when_n_exceeds_3m(int generals, int traitors, int placements)
    {
        // Proves Theorem 1 (paper §3) on small cases: with n > 3m, OM(m) satisfies IC1 and IC2 for every set of at most m traitors, commander included or not, for both orders and every standard strategy.
        var result = Search.UpTo(generals, traitors, depth: traitors);

        Assert.Equal(placements, result.Placements);
        Assert.Equal(placements * 2 * TraitorStrategies.Standard(1).Length, result.Cases);
        Assert.True(result.ViolationCount == 0, string.Join('\n', result.Violations.Select(OralMessagesFormat.Describe)));
    }

    [Theory]
    [InlineData(4, 2 * (1 + 27 + 3 * 9))]
    [InlineData(5, 2 * (1 + 81 + 4 * 27))]
    public void OM_1_satisfies_IC1_and_IC2_against_every_possible_behaviour_of_one_traitor(int generals, int runs)
    {
        // Proves Theorem 1 for m = 1 beyond the named strategies: every assignment of ATTACK, RETREAT or silence to every message one traitor sends, wherever he sits, leaves IC1 and IC2 intact.
        var violations = Search.EveryBehaviour(generals, traitors: 1, depth: 1, out var made);

        Assert.Equal(runs, made);
        Assert.True(violations.IsEmpty, string.Join('\n', violations.Take(5).Select(OralMessagesFormat.Describe)));
    }

    [Fact]
    public void Every_loyal_lieutenant_obeys_a_loyal_commander_when_nobody_is_a_traitor()
    {
        // Proves the degenerate case of IC2: with no traitors, OM(m) delivers the commander's order to every lieutenant for every m.
        foreach (var depth in new[] { 0, 1, 2, 3 })
        {
            foreach (var order in new[] { Order.Attack, Order.Retreat })
            {
                var outcome = OralMessages.Run(Search.Scenario(6, depth, order, [], new SilentTraitor()));

                Assert.All(outcome.Decisions, d => Assert.Equal(order, d.Order));
                Assert.Equal(5, outcome.Decisions.Length);
            }
        }
    }
}
