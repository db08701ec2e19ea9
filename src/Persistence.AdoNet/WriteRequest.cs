using Synod.Runtime.Storage;

namespace Synod.Persistence.AdoNet;

/// <summary>A batch to make durable.</summary>
internal sealed class WriteRequest(ReplicaWriteBatch batch, long payloadBytes, long sequence) : StoreRequest
{
    /// <summary>The batch's number among its replica's submissions (1, 2, …): a gap means one was abandoned.</summary>
    public long Sequence { get; } = sequence;

    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ReplicaWriteBatch Batch { get; } = batch;

    public long PayloadBytes { get; } = payloadBytes;

    public Task Completion => _completion.Task;

    public void Succeed() => _completion.TrySetResult();

    public override void Fail(Exception error) => _completion.TrySetException(error);
}
