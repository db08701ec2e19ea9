using Google.Protobuf;

namespace Synod.Grains.Interfaces;

/// <summary>
/// A grain that answers a request later than the turn that takes it. The turn runs until the
/// returned <see cref="ValueTask{TResult}"/> completes; its result is the task of the response,
/// which may complete during a later turn. A replica takes a proposal in one turn and answers
/// once the entry is committed and applied, which needs the turns that deliver its peers' votes
/// and acknowledgements — awaiting the commit inside the first turn would deadlock the grain.
/// </summary>
public interface IDeferredRequestHandler<in TRequest, TResponse>
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    /// <summary>Takes the request as one turn and returns the task of its eventual response.</summary>
    ValueTask<Task<TResponse>> BeginAsync(TRequest request, CancellationToken cancellationToken);
}
