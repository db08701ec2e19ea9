using System.Globalization;
using System.Text;

namespace Synod.Chaos;

/// <summary>How operations of one kind ended.</summary>
public sealed record OperationCounts(OperationKind Kind, int Ok, int Failed, int Indeterminate);

/// <summary>
/// One injected fault: what, to which silo(s), when it began and when it was healed (seconds since
/// the run began), how long after healing the cluster took a write again, and the operations that
/// succeeded after it healed and before the next fault.
/// </summary>
public sealed record InjectedFault(FaultKind Kind, string Target, double Began, double Healed, double RecoverySeconds, int OkOperationsAfter);

/// <summary>What a chaos run found.</summary>
public sealed record ChaosReport
{
    /// <summary>The run's seed.</summary>
    public required int Seed { get; init; }

    /// <summary>Operation outcomes per kind.</summary>
    public required IReadOnlyList<OperationCounts> Operations { get; init; }

    /// <summary>The faults, in order.</summary>
    public required IReadOnlyList<InjectedFault> Faults { get; init; }

    /// <summary>The checker's verdict on the whole history (final reads included).</summary>
    public required CheckResult Check { get; init; }

    /// <summary>Acknowledged writes that the final reads show lost (empty when none).</summary>
    public required IReadOnlyList<string> LostWrites { get; init; }

    /// <summary>The final value of every key.</summary>
    public required IReadOnlyDictionary<string, string?> FinalValues { get; init; }

    /// <summary>How long the checker took.</summary>
    public required TimeSpan CheckTime { get; init; }

    /// <summary>Why operations failed or were left indeterminate: the client's error per kind, with how often.</summary>
    public IReadOnlyDictionary<string, int> Failures { get; init; } = new Dictionary<string, int>();

    /// <summary>The availability scenario's figures; null for a nemesis run.</summary>
    public AvailabilityReport? Availability { get; init; }

    /// <summary>For a PBFT run, pbft-0's replicas after the final reads (roles with any Byzantine mode, view, last executed); null for Raft.</summary>
    public string? GroupStatus { get; init; }

    /// <summary>For a PBFT run, how long after the final reads all of pbft-0's replicas answered as primary or backup in one view, executed within a watermark window (32) of the furthest; null when they did not within <see cref="ChaosOptions.PbftSettleTimeout"/> (or for Raft).</summary>
    public TimeSpan? PbftSettledAfter { get; init; }

    /// <summary>Linearizable and nothing lost.</summary>
    public bool Passed => Check.Verdict == Verdict.Linearizable && LostWrites.Count == 0;

    /// <summary>The summary <c>synod chaos</c> prints.</summary>
    public string Summary()
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant($"chaos run, seed {Seed}"));
        text.AppendLine("operations      ok  failed  indeterminate");
        foreach (OperationCounts counts in Operations)
        {
            text.AppendLine(Invariant($"  {counts.Kind,-13}{counts.Ok,5}{counts.Failed,8}{counts.Indeterminate,15}"));
        }

        foreach ((string reason, int count) in Failures.OrderByDescending(f => f.Value).Take(8))
        {
            text.AppendLine(Invariant($"  {count,5} × {reason}"));
        }

        text.AppendLine(Invariant($"faults injected: {Faults.Count} ({string.Join(", ", Faults.GroupBy(f => f.Kind).Select(g => $"{g.Key} {g.Count()}"))})"));
        foreach (InjectedFault fault in Faults)
        {
            text.AppendLine(Invariant($"  {fault.Began,6:F1}s {fault.Kind,-16} {fault.Target,-22} healed {fault.Healed,6:F1}s, writes again after {fault.RecoverySeconds:F1}s, then {fault.OkOperationsAfter} ops ok"));
        }

        if (Availability is { } availability)
        {
            text.AppendLine(Invariant($"availability: silos {availability.LeaderSilo} (leader) and {availability.CutSilo} cut from each other {availability.CutAt:F1}s–{availability.HealedAt:F1}s; one-second windows with a successful write, the first after the cut left out:"));
            foreach (GatewayAvailability gateway in availability.Gateways)
            {
                text.AppendLine(Invariant($"  gateway of silo {gateway.Silo} ({gateway.Role}): {gateway.WindowsWithWrite}/{gateway.Windows} windows = {gateway.Share:P1}; {gateway.WritesOk} writes ok, {gateway.WritesFailed} failed during the cut, first window {(gateway.FirstWindowServed ? "served" : "not served")}{(gateway.MissedWindows.Count == 0 ? "" : $"; no write in window(s) {string.Join(',', gateway.MissedWindows)}")}"));
            }

            text.AppendLine(availability.LeaderKept
                ? Invariant($"  leader kept: silo {availability.LeaderSilo} led at term {availability.Term} in all {availability.Samples} status samples (during the cut and after it)")
                : Invariant($"  LEADERSHIP CHANGED ({availability.LeadershipChanges.Count} of {availability.Samples} samples): {string.Join("; ", availability.LeadershipChanges.Take(5))}"));
        }

        if (GroupStatus is not null)
        {
            text.AppendLine($"pbft-0 after the final reads: {GroupStatus}");
            text.AppendLine(PbftSettledAfter is { } settled
                ? Invariant($"  every replica in the group's view and caught up {settled.TotalSeconds:F1} s after the final reads")
                : "  NOT every replica in the group's view and caught up (see above)");
        }

        text.AppendLine(Invariant($"final values: {string.Join(", ", FinalValues.Select(kv => $"{kv.Key}={kv.Value ?? "nil"}"))}"));
        text.AppendLine(LostWrites.Count == 0 ? "lost acknowledged writes: none" : $"LOST acknowledged writes: {string.Join("; ", LostWrites)}");
        text.AppendLine(Invariant($"checker: {Check.Verdict} ({Check.Keys.Sum(k => k.Operations)} operations on {Check.Keys.Count} keys, {Check.Keys.Sum(k => k.Steps)} steps, {CheckTime.TotalMilliseconds:F0} ms)"));
        if (Check.Verdict != Verdict.Linearizable)
        {
            text.AppendLine(Check.Explanation);
        }

        return text.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
