using Google.Protobuf;
using Synod.Grains.Interfaces.Streams;

namespace Synod.Runtime.Grains;

/// <summary>
/// A stream as grains see it: an item goes to the implicitly subscribed grain, as a turn in this
/// silo or through the transport to the silo placement puts it on; order per producer is kept
/// (one mailbox, or one connection per silo pair).
/// </summary>
internal sealed class RoutedStream<T>(SiloRuntime runtime, StreamId id) : IAsyncStream<T>
    where T : IMessage<T>, new()
{
    public StreamId Id { get; } = id;

    public ValueTask<bool> OnNextAsync(T item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        return ValueTask.FromResult(runtime.Publish(Id, item));
    }
}
