namespace Synod.Consensus.Raft;

/// <summary>
/// The outcome of a request that completes later through <see cref="Ready"/> (a read) or that has no
/// position (a leadership transfer): accepted, or rejected with a reason and the leader to try.
/// </summary>
public readonly record struct RequestResult(bool Accepted, RejectReason Reason, ReplicaId LeaderHint, string? Detail = null)
{
    public static readonly RequestResult Ok = new(true, RejectReason.None, ReplicaId.None);

    public static RequestResult Rejected(RejectReason reason, ReplicaId leaderHint, string? detail = null) =>
        new(false, reason, leaderHint, detail);

    public override string ToString() => Accepted ? "accepted" : $"rejected {Reason} leader={LeaderHint} {Detail}";
}
