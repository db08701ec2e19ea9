namespace Synod.Persistence.Tests.Crash;

/// <summary>What the crash check found after one kill.</summary>
/// <param name="Violations">Broken guarantees, one line each, sorted by replica; empty when the store kept its promises.</param>
/// <param name="Durable">The durable version of every replica, by replica.</param>
/// <param name="DurableButUnacknowledged">Replicas whose in-flight batch became durable without its acknowledgement reaching the parent: evidence the kill landed mid-commit.</param>
internal sealed record CrashVerdict(IReadOnlyList<string> Violations, IReadOnlyList<ulong> Durable, int DurableButUnacknowledged);
