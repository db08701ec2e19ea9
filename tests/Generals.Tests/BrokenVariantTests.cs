using Synod.Consensus.Generals;
using Synod.Generals.Tests.Harness;

namespace Synod.Generals.Tests;

public sealed class BrokenVariantTests
{
    [Theory]
    [InlineData(4, 1)]
    [InlineData(7, 2)]
    public void The_checker_catches_OM_run_one_level_too_shallow(int generals, int traitors)
    {
        // Proves the checker has teeth: OM(m-1) against m traitors, where Theorem 1 needs OM(m), is caught violating IC1 among n > 3m generals.
        var result = Search.UpTo(generals, traitors, depth: traitors - 1);

        Assert.NotEqual(0, result.ViolationCount);
        Assert.Contains(result.Violations, v => v.Verdict.IC1 == ConditionStatus.Violated);
        Assert.All(result.Violations, v => Assert.Equal(traitors, v.Scenario.Traitors.Length));
    }

    [Fact]
    public void OM_0_is_broken_only_by_a_traitor_commander()
    {
        // Proves why the broken variant must include a traitor commander: in OM(0) lieutenants relay nothing, so a traitor lieutenant cannot mislead anyone, while a traitor commander telling 1 and 2 ATTACK and 3 RETREAT splits the loyal lieutenants.
        var result = Search.UpTo(generals: 4, traitors: 1, depth: 0);

        Assert.All(result.Violations, v => Assert.False(v.Scenario.CommanderIsLoyal));
        var split = OralMessages.Run(Search.Scenario(4, 0, Order.Attack, Search.Traitors(0), new SplitTraitor()));
        var verdict = InteractiveConsistency.Check(split);
        Assert.Equal(ConditionStatus.Violated, verdict.IC1);
        Assert.Equal("IC1 violated: loyal lieutenants disagree, {1, 2} attack while {3} retreat", verdict.Detail);
    }
}
