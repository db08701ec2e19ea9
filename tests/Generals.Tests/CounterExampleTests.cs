using Synod.Consensus.Generals;
using Synod.Generals.Tests.Harness;

namespace Synod.Generals.Tests;

public sealed class CounterExampleTests
{
    [Fact]
    public void The_search_finds_that_three_generals_cannot_cope_with_one_traitor()
    {
        // Proves that the search finds the paper's §3 counter-example for n = 3, m = 1: a traitor lieutenant who reports the loyal commander's ATTACK as RETREAT makes the other loyal lieutenant disobey (IC2), and the case is described.
        var result = Search.UpTo(generals: 3, traitors: 1, depth: 1);

        Assert.NotEqual(0, result.ViolationCount);
        var first = result.Violations[0];
        Assert.True(first.Scenario.CommanderIsLoyal);
        Assert.Equal(ConditionStatus.Violated, first.Verdict.IC2);
        Assert.Equal(
            "OM(1), 3 generals, traitors {1} (always-retreat), loyal commander orders attack: loyal lieutenants decide 2=retreat; " +
            "IC2 violated: the loyal commander ordered attack but loyal lieutenant(s) {2} decide retreat; " +
            "lies: 1 told 2 retreat along 0:1 (loyal: attack)",
            OralMessagesFormat.Describe(first));
    }

    [Fact]
    public void With_three_generals_every_violation_is_a_lieutenant_lying_about_an_attack()
    {
        // Proves where n = 3 breaks under the RETREAT tie rule, over every possible traitor behaviour: a traitor commander cannot split the two loyal lieutenants (each takes majority(x, y) of the same two values), so every violation is IC2 with a loyal commander ordering ATTACK.
        var violations = Search.EveryBehaviour(generals: 3, traitors: 1, depth: 1, out var runs);

        Assert.Equal(2 * (1 + 9 + 2 * 3), runs);
        Assert.NotEmpty(violations);
        Assert.All(violations, v =>
        {
            Assert.True(v.Scenario.CommanderIsLoyal, OralMessagesFormat.Describe(v));
            Assert.Equal(Order.Attack, v.Scenario.Order);
            Assert.Equal(ConditionStatus.Holds, v.Verdict.IC1);
            Assert.Equal(ConditionStatus.Violated, v.Verdict.IC2);
        });
    }

    [Fact]
    public void Six_generals_cannot_cope_with_two_traitors()
    {
        // Proves that the bound n > 3m is needed beyond m = 1 as well: with n = 3m = 6, the standard strategies break OM(2) with two traitors.
        var result = Search.UpTo(generals: 6, traitors: 2, depth: 2);

        Assert.NotEqual(0, result.ViolationCount);
        Assert.All(result.Violations, v => Assert.Equal(2, v.Scenario.Traitors.Length));
    }
}
