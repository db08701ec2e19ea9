namespace Synod.Simulation.Raft;

/// <summary>What one run did and found.</summary>
public sealed record RaftSimulationResult(
    ulong Seed,
    Violation? Violation,
    long Steps,
    long TimeMillis,
    long Elections,
    long CommittedEntries,
    long WritesAcknowledged,
    long ReadsChecked,
    long Crashes,
    long Partitions,
    long SnapshotsInstalled,
    long MembershipChanges,
    long Transfers,
    long Quiescences,
    IReadOnlyList<string> Trace);
