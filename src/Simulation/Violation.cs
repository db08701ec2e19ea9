namespace Synod.Simulation;

/// <summary>A broken invariant or liveness property, with the seed and the moment it was seen.</summary>
public sealed record Violation(ulong Seed, string Invariant, string Detail, long Step, long TimeMillis)
{
    public override string ToString() => $"seed {Seed}: {Invariant} at step {Step} (t={TimeMillis}ms): {Detail}";
}
