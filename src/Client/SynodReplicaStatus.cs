namespace Synod.Client;

/// <summary>One replica of a group.</summary>
/// <param name="Replica">The replica's id within its group.</param>
/// <param name="Silo">The silo that hosts it.</param>
/// <param name="Role">Its role: <c>leader</c>, <c>follower</c>, <c>candidate</c>, …</param>
/// <param name="Term">Its current term.</param>
/// <param name="Leader">The replica it believes leads the group (0 when it knows none).</param>
/// <param name="CommitIndex">The highest log index it knows to be committed.</param>
/// <param name="AppliedIndex">The highest log index it has applied to its state machine.</param>
/// <param name="Quiet">Its group is idle and quiet: the replica is not ticked and sends no heartbeats until a proposal, a read or a peer wakes it.</param>
public sealed record SynodReplicaStatus(ulong Replica, string Silo, string Role, ulong Term, ulong Leader, ulong CommitIndex, ulong AppliedIndex, bool Quiet = false);
