using Google.Protobuf;
using Synod.Consensus.Raft;
using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.Raft;

/// <summary>Builds the answers a replica gives its clients.</summary>
internal static class ReplicaAnswers
{
    public static ReplicaAnswer Ok(ulong index, byte[] result) =>
        new() { Status = ReplicaAnswer.Types.Status.Ok, Index = index, Result = ByteString.CopyFrom(result) };

    public static ReplicaAnswer NotLeader(ReplicaId leader) =>
        new() { Status = ReplicaAnswer.Types.Status.NotLeader, LeaderHint = leader.Value };

    public static ReplicaAnswer Rejected(string detail, ReplicaId leader = default) =>
        new() { Status = ReplicaAnswer.Types.Status.Rejected, Detail = detail, LeaderHint = leader.Value };

    public static ReplicaAnswer UnknownOutcome(string detail, ReplicaId leader) =>
        new() { Status = ReplicaAnswer.Types.Status.UnknownOutcome, Detail = detail, LeaderHint = leader.Value };

    public static ReplicaAnswer Unavailable(string detail) =>
        new() { Status = ReplicaAnswer.Types.Status.Unavailable, Detail = detail };

    public static ReplicaAnswer ForRejection(ProposeResult result) => result.Reason switch
    {
        RejectReason.NotLeader or RejectReason.LeaderNotReady => NotLeader(result.LeaderHint),
        _ => Rejected($"{result.Reason}: {result.Detail}", result.LeaderHint),
    };
}
