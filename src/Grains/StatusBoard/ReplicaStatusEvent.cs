namespace Synod.Grains.StatusBoard;

/// <summary>
/// A change worth a line on a group's timeline: a replica became leader, a PBFT view changed, a
/// replica's configuration changed, a replica stopped on a fault.
/// </summary>
/// <param name="Sequence">Order of the event on its silo's board (1, 2, …).</param>
/// <param name="AtMs">Unix time, in milliseconds.</param>
/// <param name="Group">The consensus group.</param>
/// <param name="Replica">The replica that saw it.</param>
/// <param name="Kind"><c>leader</c>, <c>view</c>, <c>membership</c> or <c>fault</c>.</param>
/// <param name="Term">Raft term or PBFT view at the event.</param>
/// <param name="Detail">A short human-readable description.</param>
public sealed record ReplicaStatusEvent(long Sequence, long AtMs, string Group, ulong Replica, string Kind, ulong Term, string Detail);
