namespace Synod.Silo.Gateway;

/// <summary>The cluster as one silo sees it (the body of <c>GET /v1/status</c>).</summary>
public sealed record ClusterStatus(string Silo, IReadOnlyList<SiloStatus> Silos, IReadOnlyList<GroupStatus> Groups);

/// <summary>One silo: its id, HTTP address and whether it answers.</summary>
public sealed record SiloStatus(string Id, string HttpAddress, bool Up);

/// <summary>One consensus group and its replicas.</summary>
public sealed record GroupStatus(string Group, string Protocol, IReadOnlyList<ReplicaStatus> Replicas);

/// <summary>One replica of a group; <paramref name="Quiet"/> when its idle Raft core is not ticked and sends nothing.</summary>
public sealed record ReplicaStatus(ulong Replica, string Silo, string Role, ulong Term, ulong Leader, ulong CommitIndex, ulong AppliedIndex, bool Quiet = false);
