using System.Diagnostics;
using System.Text;

namespace Synod.Chaos;

/// <summary>The checker's answer for a history or one key.</summary>
public enum Verdict
{
    /// <summary>Some order of the operations respects real time and the register's rules.</summary>
    Linearizable,

    /// <summary>No such order exists.</summary>
    NotLinearizable,

    /// <summary>The search ran out of its budget before deciding.</summary>
    Unknown,
}

/// <summary>One key's verdict; <see cref="Explanation"/> says why it is not linearizable (or why unknown).</summary>
public sealed record KeyVerdict(string Key, Verdict Verdict, int Operations, long Steps, string? Explanation);

/// <summary>A history's verdict: not linearizable when a key is not, unknown when a key is unknown and none fails.</summary>
public sealed record CheckResult(Verdict Verdict, IReadOnlyList<KeyVerdict> Keys)
{
    /// <summary>The explanations of the keys that are not linearizable or unknown.</summary>
    public string Explanation => string.Join(Environment.NewLine, Keys.Where(k => k.Verdict != Verdict.Linearizable).Select(k => $"key {k.Key}: {k.Verdict}: {k.Explanation}"));
}

/// <summary>Limits of one key's search.</summary>
public sealed record CheckerBudget
{
    /// <summary>Wall-clock time one key's search may take before it answers unknown. Default 10 s.</summary>
    public TimeSpan TimePerKey { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Search steps one key's search may take before it answers unknown. Default 50 million.</summary>
    public long StepsPerKey { get; init; } = 50_000_000;
}

/// <summary>
/// Linearizability of a key-value history, checked per key against a register (initially absent;
/// read returns the value, write sets it, compare-and-set sets it iff it holds the expected value):
/// the Wing–Gong–Lowe search with Lowe's memoisation, as in Knossos and Porcupine. The call and
/// return events, sorted by time, form a linked list; the search walks it, linearizing a call
/// (lifting it and its return out of the list) whenever the register accepts it and the pair
/// (set of linearized operations, register value) was not seen before, and backtracks when it meets
/// a return whose call is still pending.
/// </summary>
public static class LinearizabilityChecker
{
    /// <summary>Checks <paramref name="history"/> key by key.</summary>
    public static CheckResult Check(IEnumerable<HistoryOperation> history, CheckerBudget? budget = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        budget ??= new CheckerBudget();
        var keys = history.GroupBy(op => op.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => CheckKey(g.Key, [.. g], budget)).ToList();
        Verdict verdict = keys.Any(k => k.Verdict == Verdict.NotLinearizable) ? Verdict.NotLinearizable
            : keys.Any(k => k.Verdict == Verdict.Unknown) ? Verdict.Unknown
            : Verdict.Linearizable;
        return new CheckResult(verdict, keys);
    }

    /// <summary>Checks the operations of one key.</summary>
    public static KeyVerdict CheckKey(string key, IReadOnlyList<HistoryOperation> operations, CheckerBudget budget)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(budget);
        HistoryOperation[] ops = [.. Prune(operations)];
        if (ops.Length == 0)
        {
            return new KeyVerdict(key, Verdict.Linearizable, 0, 0, null);
        }

        return new Search(key, ops, budget).Run();
    }

    /// <summary>
    /// Drops what cannot change the verdict: indeterminate reads (they return nothing to check), and
    /// indeterminate writes and compare-and-sets whose value no read or compare-and-set ever saw
    /// (linearizing them after everything else is always possible and changes nothing observed).
    /// </summary>
    private static IEnumerable<HistoryOperation> Prune(IReadOnlyList<HistoryOperation> operations)
    {
        var observed = new HashSet<string>(StringComparer.Ordinal);
        foreach (HistoryOperation op in operations)
        {
            if (op.Invoked > op.Completed)
            {
                throw new ArgumentException($"an operation completes before it is invoked: {op}", nameof(operations));
            }

            if (op.Kind == OperationKind.Read && !op.Indeterminate && op.ReadValue is { } read)
            {
                observed.Add(read);
            }

            if (op.Kind == OperationKind.CompareAndSet && op.Expected is { } expected)
            {
                observed.Add(expected);
            }
        }

        return operations.Where(op => op.Indeterminate
            ? op.Kind != OperationKind.Read && op.Value is { } value && observed.Contains(value)
            : true);
    }

    /// <summary>The register: whether <paramref name="op"/> may run on <paramref name="state"/>, and the state after it.</summary>
    private static bool Step(string? state, HistoryOperation op, out string? next)
    {
        switch (op.Kind)
        {
            case OperationKind.Read:
                next = state;
                return string.Equals(state, op.ReadValue, StringComparison.Ordinal);
            case OperationKind.Write:
                next = op.Value;
                return true;
            default:
                bool matches = string.Equals(state, op.Expected, StringComparison.Ordinal);
                next = matches ? op.Value : state;

                // Unknown outcome: whatever the register says it did is possible.
                return op.Indeterminate || matches == op.Succeeded;
        }
    }

    /// <summary>A call or return event in the search's doubly linked list.</summary>
    private sealed class Entry
    {
        public required int Id { get; init; }

        public required long Time { get; init; }

        public required bool IsCall { get; init; }

        /// <summary>For a call: its return.</summary>
        public Entry? Match { get; set; }

        public Entry? Previous { get; set; }

        public Entry? Next { get; set; }
    }

    private sealed class Search(string key, HistoryOperation[] ops, CheckerBudget budget)
    {
        private readonly Dictionary<int, List<(ulong[] Linearized, string? State)>> _cache = [];

        public KeyVerdict Run()
        {
            Entry head = BuildList();
            var linearized = new ulong[(ops.Length + 63) / 64];
            var stack = new Stack<(Entry Call, string? StateBefore)>();
            string? state = null;
            Entry? entry = head.Next;
            long steps = 0;
            var clock = Stopwatch.StartNew();

            // The deepest point reached, for the explanation.
            int deepest = -1;
            int[] deepestOrder = [];
            int blockedAtDeepest = -1;

            while (head.Next is not null)
            {
                if (++steps % 4096 == 0 && (steps > budget.StepsPerKey || clock.Elapsed > budget.TimePerKey))
                {
                    return new KeyVerdict(key, Verdict.Unknown, ops.Length, steps,
                        $"the search stopped after {steps} steps and {clock.Elapsed.TotalSeconds:F1} s with {deepest + 1} of {ops.Length} operations linearized");
                }

                if (entry!.IsCall)
                {
                    HistoryOperation op = ops[entry.Id];
                    if (Step(state, op, out string? next))
                    {
                        ulong[] candidate = (ulong[])linearized.Clone();
                        candidate[entry.Id / 64] |= 1UL << (entry.Id % 64);
                        if (TryRemember(candidate, next))
                        {
                            stack.Push((entry, state));
                            state = next;
                            linearized = candidate;
                            Lift(entry);
                            entry = head.Next;
                            continue;
                        }
                    }

                    entry = entry.Next;
                    continue;
                }

                // A return whose call is still in the list: the calls tried so far cannot be ordered
                // before it. Note the deepest such point, then undo the last choice.
                if (stack.Count > deepest)
                {
                    deepest = stack.Count;
                    deepestOrder = [.. stack.Reverse().Select(s => s.Call.Id)];
                    blockedAtDeepest = entry.Id;
                }

                if (stack.Count == 0)
                {
                    return new KeyVerdict(key, Verdict.NotLinearizable, ops.Length, steps, Explain(deepestOrder, blockedAtDeepest));
                }

                (Entry call, string? before) = stack.Pop();
                state = before;
                linearized = (ulong[])linearized.Clone();
                linearized[call.Id / 64] &= ~(1UL << (call.Id % 64));
                Unlift(call);
                entry = call.Next;
            }

            return new KeyVerdict(key, Verdict.Linearizable, ops.Length, steps, null);
        }

        private string Explain(int[] order, int blocked)
        {
            var text = new StringBuilder();
            HistoryOperation failing = ops[blocked];
            text.Append(CultureInfo($"no linearization of the history up to the completion of [{failing}]: at best {order.Length} operations were ordered"));
            string? state = null;
            foreach (int id in order)
            {
                Step(state, ops[id], out state);
            }

            text.Append(CultureInfo($" (leaving the register at {state ?? "nil"})"));
            if (order.Length > 0)
            {
                text.Append(", ending with: ");
                text.AppendJoin("; ", order.Skip(Math.Max(0, order.Length - 5)).Select(id => ops[id].ToString()));
            }

            text.Append(CultureInfo($"; then [{failing}] cannot be placed before its completion"));
            return text.ToString();
        }

        private static string CultureInfo(FormattableString text) => FormattableString.Invariant(text);

        private bool TryRemember(ulong[] linearized, string? state)
        {
            var hash = new HashCode();
            foreach (ulong word in linearized)
            {
                hash.Add(word);
            }

            hash.Add(state, StringComparer.Ordinal);
            int code = hash.ToHashCode();
            if (!_cache.TryGetValue(code, out var seen))
            {
                _cache[code] = [(linearized, state)];
                return true;
            }

            foreach ((ulong[] other, string? otherState) in seen)
            {
                if (string.Equals(state, otherState, StringComparison.Ordinal) && other.AsSpan().SequenceEqual(linearized))
                {
                    return false;
                }
            }

            seen.Add((linearized, state));
            return true;
        }

        private Entry BuildList()
        {
            var events = new List<Entry>(ops.Length * 2);
            for (int id = 0; id < ops.Length; id++)
            {
                var call = new Entry { Id = id, Time = ops[id].Invoked, IsCall = true };
                var ret = new Entry { Id = id, Time = ops[id].Completed, IsCall = false };
                call.Match = ret;
                events.Add(call);
                events.Add(ret);
            }

            // By time; at equal times calls first, so operations that touch are concurrent.
            events.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.IsCall != b.IsCall ? (a.IsCall ? -1 : 1) : a.Id.CompareTo(b.Id));
            var head = new Entry { Id = -1, Time = long.MinValue, IsCall = false };
            Entry last = head;
            foreach (Entry e in events)
            {
                last.Next = e;
                e.Previous = last;
                last = e;
            }

            return head;
        }

        private static void Lift(Entry call)
        {
            call.Previous!.Next = call.Next;
            call.Next!.Previous = call.Previous;
            Entry ret = call.Match!;
            ret.Previous!.Next = ret.Next;
            if (ret.Next is not null)
            {
                ret.Next.Previous = ret.Previous;
            }
        }

        private static void Unlift(Entry call)
        {
            Entry ret = call.Match!;
            ret.Previous!.Next = ret;
            if (ret.Next is not null)
            {
                ret.Next.Previous = ret;
            }

            call.Previous!.Next = call;
            call.Next!.Previous = call;
        }
    }
}
