namespace Synod.Client;

/// <summary>One group of the directory.</summary>
/// <param name="Group">Its name, for example <c>kv-12</c>.</param>
/// <param name="Protocol"><c>raft</c> or <c>pbft</c>.</param>
/// <param name="Machine">Its state machine: <c>kv</c> or <c>lock</c>.</param>
/// <param name="Slots">How many of the 16,384 hash slots it owns (0 for a group created after bootstrap).</param>
/// <param name="Leader">The replica the answering silo last found leading, or null when it does not know.</param>
/// <param name="Replicas">Its replicas and their silos.</param>
public sealed record SynodGroupInfo(string Group, string Protocol, string Machine, int Slots, ulong? Leader, IReadOnlyList<SynodReplicaPlacement> Replicas);
