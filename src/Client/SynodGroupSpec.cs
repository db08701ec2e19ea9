namespace Synod.Client;

/// <summary>What groups to create.</summary>
/// <param name="Protocol"><c>raft</c> or <c>pbft</c>.</param>
/// <param name="Replicas">Replicas per group: 1, 3, 5 or 7 for Raft, 3f+1 for PBFT; null for the default (3, or 4 for PBFT).</param>
/// <param name="Count">How many groups.</param>
/// <param name="Machine">The state machine: <c>kv</c> or <c>lock</c> (Raft only).</param>
public sealed record SynodGroupSpec(string Protocol = "raft", uint? Replicas = null, uint Count = 1, string Machine = "kv");
