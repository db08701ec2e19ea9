using Synod.Runtime.Storage;

namespace Synod.Persistence.AdoNet;

/// <summary>A batch to make durable.</summary>
internal sealed class WriteRequest(ReplicaWriteBatch batch, long payloadBytes) : StoreRequest
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ReplicaWriteBatch Batch { get; } = batch;

    public long PayloadBytes { get; } = payloadBytes;

    public Task Completion => _completion.Task;

    public void Succeed() => _completion.TrySetResult();

    public override void Fail(Exception error) => _completion.TrySetException(error);
}
