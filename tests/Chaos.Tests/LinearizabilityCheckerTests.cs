namespace Synod.Chaos.Tests;

/// <summary>The checker on hand-written histories (times in arbitrary units) and on generated ones.</summary>
public sealed class LinearizabilityCheckerTests
{
    private static Verdict Check(params HistoryOperation[] history) => LinearizabilityChecker.Check(history).Verdict;

    private static HistoryOperation W(int client, string value, long invoked, long? completed) => HistoryOperation.Write(client, "k", value, invoked, completed);

    private static HistoryOperation R(int client, string? value, long invoked, long completed) => HistoryOperation.Read(client, "k", value, invoked, completed);

    private static HistoryOperation Cas(int client, string? expected, string value, bool succeeded, long invoked, long? completed) =>
        HistoryOperation.CompareAndSet(client, "k", expected, value, succeeded, invoked, completed);

    [Fact]
    public void Concurrent_overlapping_writes_and_reads_are_linearizable()
    {
        // Proves overlapping operations may take effect in any order inside their intervals: reads see b then a while writes of a and b overlap both reads.
        Assert.Equal(Verdict.Linearizable, Check(
            W(1, "a", 0, 10),
            W(2, "b", 1, 9),
            R(3, "b", 2, 4),
            R(3, "a", 5, 8),
            R(4, "a", 11, 12)));
    }

    [Fact]
    public void A_read_of_an_absent_key_before_any_write_and_after_a_delete_like_cas_is_linearizable()
    {
        // Proves the register starts absent and a compare-and-set from absent succeeds exactly once.
        Assert.Equal(Verdict.Linearizable, Check(
            R(1, null, 0, 1),
            Cas(1, null, "x", succeeded: true, 2, 3),
            Cas(2, null, "y", succeeded: false, 4, 5),
            R(2, "x", 6, 7)));
    }

    [Fact]
    public void An_indeterminate_write_may_have_taken_effect()
    {
        // Proves a write whose outcome is unknown may be linearized long after it was invoked: a read later sees it.
        Assert.Equal(Verdict.Linearizable, Check(
            W(1, "a", 0, 1),
            W(2, "b", 2, null),
            R(3, "a", 3, 4),
            R(3, "b", 20, 21)));
    }

    [Fact]
    public void An_indeterminate_write_may_never_have_taken_effect()
    {
        // Proves a write whose outcome is unknown need not take effect: every later read sees the earlier value.
        Assert.Equal(Verdict.Linearizable, Check(
            W(1, "a", 0, 1),
            W(2, "b", 2, null),
            R(3, "a", 3, 4),
            R(3, "a", 20, 21)));
    }

    [Fact]
    public void An_indeterminate_cas_may_have_taken_effect()
    {
        // Proves an unknown-outcome compare-and-set whose value is read later is placed where it held.
        Assert.Equal(Verdict.Linearizable, Check(
            W(1, "a", 0, 1),
            Cas(2, "a", "c", succeeded: false, 2, null),
            R(3, "c", 10, 11)));
    }

    [Fact]
    public void A_stale_read_after_a_completed_write_is_not_linearizable()
    {
        // Proves the checker fails a read that returns the old value after a write completed before it began.
        CheckResult result = LinearizabilityChecker.Check([W(1, "a", 0, 1), W(1, "b", 2, 3), R(2, "a", 4, 5)]);
        Assert.Equal(Verdict.NotLinearizable, result.Verdict);
        Assert.Contains("read() → a", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_reads_seeing_values_in_an_order_contradicting_real_time_are_not_linearizable()
    {
        // Proves: writes of a and b overlap every read, and reads in real-time order see b, then a, then b again; each value is written once, so no order of the two writes explains it.
        Assert.Equal(Verdict.NotLinearizable, Check(
            W(1, "a", 0, 10),
            W(2, "b", 0, 10),
            R(3, "b", 1, 2),
            R(3, "a", 3, 4),
            R(4, "b", 5, 6)));
    }

    [Fact]
    public void A_cas_succeeding_against_a_value_no_longer_current_is_not_linearizable()
    {
        // Proves the checker fails a compare-and-set that succeeded on a once the key already held b.
        Assert.Equal(Verdict.NotLinearizable, Check(
            W(1, "a", 0, 1),
            W(1, "b", 2, 3),
            Cas(2, "a", "c", succeeded: true, 4, 5)));
    }

    [Fact]
    public void A_cas_failing_although_its_value_is_current_is_not_linearizable()
    {
        // Proves the register's compare-and-set rule in the other direction: a mismatch reported while nothing else ran.
        Assert.Equal(Verdict.NotLinearizable, Check(
            W(1, "a", 0, 1),
            Cas(2, "a", "c", succeeded: false, 2, 3)));
    }

    [Fact]
    public void A_lost_acknowledged_write_is_not_linearizable()
    {
        // Proves the no-lost-write guarantee is checked: b was acknowledged, nothing else wrote, and a final read sees a.
        CheckResult result = LinearizabilityChecker.Check([W(1, "a", 0, 1), W(2, "b", 2, 3), W(3, "c", 4, null), R(4, "a", 100, 101)]);
        Assert.Equal(Verdict.NotLinearizable, result.Verdict);
        Assert.Equal("k", Assert.Single(result.Keys).Key);
    }

    [Fact]
    public void Keys_are_checked_independently()
    {
        // Proves one broken key fails the history while the other key is reported linearizable.
        CheckResult result = LinearizabilityChecker.Check([
            HistoryOperation.Write(1, "x", "1", 0, 1),
            HistoryOperation.Read(2, "x", "1", 2, 3),
            HistoryOperation.Write(1, "y", "1", 0, 1),
            HistoryOperation.Read(2, "y", null, 2, 3),
        ]);
        Assert.Equal(Verdict.NotLinearizable, result.Verdict);
        Assert.Equal(Verdict.Linearizable, result.Keys.Single(k => k.Key == "x").Verdict);
        Assert.Equal(Verdict.NotLinearizable, result.Keys.Single(k => k.Key == "y").Verdict);
    }

    [Fact]
    public void A_search_over_its_budget_answers_unknown()
    {
        // Proves the budget: a history that needs many steps answers unknown under a tiny step budget instead of hanging.
        var random = new Random(7);
        List<HistoryOperation> history = RandomHistory(random, operations: 400, clients: 8);
        KeyVerdict verdict = LinearizabilityChecker.CheckKey("k", history, new CheckerBudget { StepsPerKey = 1 });
        Assert.Equal(Verdict.Unknown, verdict.Verdict);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Histories_of_a_real_register_pass_and_fail_once_a_read_is_mutated(int seed)
    {
        // Proves on generated histories: operations applied to a sequential register at a random instant inside random overlapping intervals (some left indeterminate) are linearizable, and the same history with one read's output replaced by a value never written is not.
        var random = new Random(seed);
        List<HistoryOperation> history = RandomHistory(random, operations: 300, clients: 6);
        KeyVerdict good = LinearizabilityChecker.CheckKey("k", history, new CheckerBudget());
        Assert.Equal(Verdict.Linearizable, good.Verdict);

        int[] reads = [.. history.Select((op, i) => (op, i)).Where(x => x.op.Kind == OperationKind.Read).Select(x => x.i)];
        int victim = reads[random.Next(reads.Length)];
        history[victim] = history[victim] with { ReadValue = "never-written" };
        KeyVerdict bad = LinearizabilityChecker.CheckKey("k", history, new CheckerBudget());
        Assert.Equal(Verdict.NotLinearizable, bad.Verdict);
        Assert.Contains("never-written", bad.Explanation, StringComparison.Ordinal);
    }

    /// <summary>
    /// Each client runs operations one after another; each takes effect on a real register at an
    /// instant inside its interval (the intervals of different clients overlap at random). About one
    /// write in ten is left indeterminate, taking effect or not.
    /// </summary>
    private static List<HistoryOperation> RandomHistory(Random random, int operations, int clients)
    {
        var planned = new List<(long Invoked, long Effect, long Completed, int Client)>();
        var clientTime = new long[clients];
        for (int i = 0; i < operations; i++)
        {
            int client = random.Next(clients);
            long invoked = clientTime[client] + random.Next(1, 20);
            long effect = invoked + random.Next(0, 30);
            long completed = effect + random.Next(0, 30);
            clientTime[client] = completed;
            planned.Add((invoked, effect, completed, client));
        }

        string? register = null;
        var history = new List<HistoryOperation>();
        int written = 0;
        foreach (var op in planned.OrderBy(p => p.Effect))
        {
            int roll = random.Next(10);
            bool indeterminate = random.Next(10) == 0;
            if (roll < 4)
            {
                history.Add(HistoryOperation.Read(op.Client, "k", register, op.Invoked, op.Completed));
            }
            else if (roll < 8)
            {
                string value = $"v{written++}";
                bool applied = !indeterminate || random.Next(2) == 0;
                if (applied)
                {
                    register = value;
                }

                history.Add(HistoryOperation.Write(op.Client, "k", value, op.Invoked, indeterminate ? null : op.Completed));
            }
            else
            {
                string? expected = random.Next(2) == 0 ? register : $"v{random.Next(Math.Max(1, written))}";
                string value = $"v{written++}";
                bool matches = string.Equals(register, expected, StringComparison.Ordinal);
                if (matches && (!indeterminate || random.Next(2) == 0))
                {
                    register = value;
                }

                history.Add(HistoryOperation.CompareAndSet(op.Client, "k", expected, value, matches, op.Invoked, indeterminate ? null : op.Completed));
            }
        }

        return history;
    }
}
