namespace Synod.Silo.Dashboard;

/// <summary>The answer to an applied fault: what was done and the faults now in force.</summary>
public sealed record FaultOutcome(string Done, int Silo, IReadOnlyList<string> Faults);
