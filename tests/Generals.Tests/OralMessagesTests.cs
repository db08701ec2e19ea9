using Synod.Consensus;
using Synod.Consensus.Generals;
using Synod.Generals.Tests.Harness;

namespace Synod.Generals.Tests;

public sealed class OralMessagesTests
{
    [Fact]
    public void Majority_takes_the_value_of_more_than_half_and_retreat_otherwise()
    {
        // Proves the majority function of §3: a strict majority wins, and a tie or no values at all give RETREAT.
        Assert.Equal(Order.Attack, Orders.Majority([Order.Attack, Order.Retreat, Order.Attack]));
        Assert.Equal(Order.Retreat, Orders.Majority([Order.Attack, Order.Retreat]));
        Assert.Equal(Order.Retreat, Orders.Majority([Order.Attack, Order.Attack, Order.Retreat, Order.Retreat]));
        Assert.Equal(Order.Attack, Orders.Majority([Order.Attack]));
        Assert.Equal(Order.Retreat, Orders.Majority([]));
    }

    [Fact]
    public void A_missing_or_invalid_value_counts_as_retreat()
    {
        // Proves the RETREAT default of §3: a lieutenant who receives nothing, or a value that is not an order, uses RETREAT.
        Assert.Equal(Order.Retreat, Orders.Received(null));
        Assert.Equal(Order.Retreat, Orders.Received((Order)42));
        Assert.Equal(Order.Attack, Orders.Received(Order.Attack));

        var silent = OralMessages.Run(Search.Scenario(4, 1, Order.Attack, Search.Traitors(0), new SilentTraitor()));
        Assert.All(silent.Decisions, d => Assert.Equal(Order.Retreat, d.Order));

        var garbled = new ScriptedTraitor().Sends("0", 1, (Order)42).Sends("0", 2, (Order)42).Sends("0", 3, Order.Attack);
        var outcome = OralMessages.Run(Search.Scenario(4, 1, Order.Attack, Search.Traitors(0), garbled));
        Assert.All(outcome.Decisions, d => Assert.Equal(Order.Retreat, d.Order));
    }

    [Fact]
    public void A_traitor_lieutenant_cannot_mislead_the_others_as_in_figure_3()
    {
        // Proves the paper's Fig. 3 run: with n = 4 and lieutenant 3 a traitor, lieutenant 2 gets majority(v, v, x) = v, and so does lieutenant 1.
        var traitor = new ScriptedTraitor().Sends("0:3", 1, Order.Retreat).Sends("0:3", 2, Order.Retreat);

        var outcome = OralMessages.Run(Search.Scenario(4, 1, Order.Attack, Search.Traitors(3), traitor));

        LieutenantDecision[] expected = [new(new GeneralId(1), Order.Attack), new(new GeneralId(2), Order.Attack)];
        Assert.Equal(expected, outcome.Decisions.ToArray());
        Assert.Equal(2, outcome.Transcript.Count(m => m.IsLie));
    }

    [Theory]
    [InlineData(Order.Attack, Order.Retreat, Order.Attack, Order.Attack)]
    [InlineData(Order.Retreat, Order.Attack, Order.Retreat, Order.Retreat)]
    [InlineData(Order.Attack, Order.Attack, Order.Attack, Order.Attack)]
    public void Loyal_lieutenants_agree_on_a_traitor_commanders_majority_as_in_figure_4(Order x, Order y, Order z, Order expected)
    {
        // Proves the paper's Fig. 4 run: with n = 4 and a traitor commander sending x, y, z, every lieutenant computes majority(x, y, z) and they agree.
        var commander = new ScriptedTraitor().Sends("0", 1, x).Sends("0", 2, y).Sends("0", 3, z);

        var outcome = OralMessages.Run(Search.Scenario(4, 1, Order.Retreat, Search.Traitors(0), commander));

        Assert.All(outcome.Decisions, d => Assert.Equal(expected, d.Order));
        Assert.Equal(3, outcome.Decisions.Length);
    }

    [Theory]
    [InlineData(4, 0, 3)]
    [InlineData(4, 1, 3 + 3 * 2)]
    [InlineData(7, 2, 6 + 6 * 5 + 6 * 5 * 4)]
    [InlineData(3, 5, 2 + 2 * 1)]
    public void Messages_travel_along_paths_of_distinct_generals_to_everyone_off_the_path(int generals, int depth, int messages)
    {
        // Proves the message structure of §3: OM(m) sends (n-1) + (n-1)(n-2) + … messages, each path starts at the commander, has at most m+1 distinct generals, and goes to every general not on it exactly once.
        var outcome = OralMessages.Run(Search.Scenario(generals, depth, Order.Attack, [], new SilentTraitor()));

        Assert.Equal(messages, outcome.Transcript.Length);
        Assert.Equal(messages, OralMessages.MessageCount(generals, depth));
        Assert.All(outcome.Transcript, m =>
        {
            Assert.Equal(GeneralId.Commander, m.Path.Generals[0]);
            Assert.True(m.Path.Length <= depth + 1);
            Assert.Equal(m.Path.Length, m.Path.Generals.Distinct().Count());
            Assert.False(m.Path.Contains(m.Recipient));
        });
        Assert.Equal(messages, outcome.Transcript.Select(m => (m.Path, m.Recipient)).Distinct().Count());
    }

    [Fact]
    public void A_run_is_reproducible_from_its_seed()
    {
        // Proves determinism: the same scenario with the same seed sends the same messages and reaches the same decisions, and another seed makes the random traitor behave differently.
        OralMessagesOutcome Run(ulong seed) => OralMessages.Run(
            Search.Scenario(7, 2, Order.Attack, Search.Traitors(0, 4), new RandomTraitor(new SplitMix64Random(seed))));

        var first = Run(7);
        var again = Run(7);
        var other = Run(8);

        // ImmutableArray's own Equals compares array references, so compare the elements.
        Assert.Equal(first.Transcript.ToArray(), again.Transcript.ToArray());
        Assert.Equal(first.Decisions.ToArray(), again.Decisions.ToArray());
        Assert.NotEqual(first.Transcript.Select(m => m.Sent), other.Transcript.Select(m => m.Sent));
    }

    [Fact]
    public void A_scenario_outside_the_limits_is_rejected_before_it_runs()
    {
        // Proves configuration validation: too few generals, unordered or unknown traitors, a negative depth, or a run beyond the message bound are refused.
        var strategy = new SilentTraitor();
        Assert.Throws<ArgumentException>(() => OralMessages.Run(Search.Scenario(1, 0, Order.Attack, [], strategy)));
        Assert.Throws<ArgumentException>(() => OralMessages.Run(Search.Scenario(4, -1, Order.Attack, [], strategy)));
        Assert.Throws<ArgumentException>(() => OralMessages.Run(Search.Scenario(4, 1, Order.Attack, Search.Traitors(2, 1), strategy)));
        Assert.Throws<ArgumentException>(() => OralMessages.Run(Search.Scenario(4, 1, Order.Attack, Search.Traitors(4), strategy)));
        Assert.Throws<ArgumentException>(() => OralMessages.Run(Search.Scenario(16, 10, Order.Attack, [], strategy)));
        Assert.Throws<ArgumentException>(() => OralMessages.Run(Search.Scenario(4, 1, (Order)7, [], strategy)));
    }

    [Fact]
    public void A_search_beyond_its_bounds_is_refused_before_it_runs()
    {
        // Proves the search is bounded: a run too large for one scenario, or a search whose runs together send too many messages, is refused up front rather than left to run for hours.
        static OralMessagesSearchOptions Options(int generals, int traitors) =>
            new() { Generals = generals, Traitors = traitors, Depth = traitors };

        Assert.Throws<ArgumentException>(() => OralMessagesSearch.Run(Options(16, 8)));
        Assert.Throws<ArgumentException>(() => OralMessagesSearch.Run(Options(16, 4)));
        Assert.Throws<ArgumentException>(() => OralMessagesSearch.Run(Options(4, 5)));
        Options(10, 3).Validate();
    }
}
