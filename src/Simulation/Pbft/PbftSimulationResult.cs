namespace Synod.Simulation.Pbft;

/// <summary>What one PBFT run did and found.</summary>
public sealed record PbftSimulationResult(
    ulong Seed,
    Violation? Violation,
    long Steps,
    long TimeMillis,
    string Byzantine,
    long RequestsAccepted,
    long BatchesExecuted,
    long ViewChanges,
    long MessagesRejected,
    long StateTransfers,
    long Crashes,
    IReadOnlyList<string> Trace);
