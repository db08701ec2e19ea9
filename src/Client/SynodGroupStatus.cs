namespace Synod.Client;

/// <summary>One consensus group.</summary>
/// <param name="Group">The group's id.</param>
/// <param name="Protocol">Its protocol: <c>raft</c>, <c>raft (meta)</c> or <c>pbft</c>.</param>
/// <param name="Replicas">Its replicas, as the answering silo last heard from them.</param>
public sealed record SynodGroupStatus(string Group, string Protocol, IReadOnlyList<SynodReplicaStatus> Replicas);
