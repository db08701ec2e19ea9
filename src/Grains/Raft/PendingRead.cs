using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.Raft;

/// <summary>A client's read waiting for its ReadIndex to be confirmed and applied.</summary>
internal sealed class PendingRead(byte[] query, TaskCompletionSource<ReplicaAnswer> answer)
{
    public byte[] Query { get; } = query;

    public TaskCompletionSource<ReplicaAnswer> Answer { get; } = answer;

    /// <summary>Set once a quorum confirmed leadership: the read is served when this index is applied.</summary>
    public ulong? ReadIndex { get; set; }
}
