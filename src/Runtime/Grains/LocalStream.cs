using Google.Protobuf;
using Synod.Grains.Interfaces;
using Synod.Grains.Interfaces.Streams;

namespace Synod.Runtime.Grains;

/// <summary>
/// A stream whose consumer lives in this silo: an item becomes a turn of the implicitly
/// subscribed grain (activated on first item), queued in publication order.
/// </summary>
internal sealed class LocalStream<T>(SiloRuntime runtime, StreamId id) : IAsyncStream<T>
    where T : IMessage<T>, new()
{
    public StreamId Id { get; } = id;

    public ValueTask<bool> OnNextAsync(T item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!runtime.TryGetConsumer(Id, out GrainId consumer))
        {
            return ValueTask.FromResult(false);
        }

        Activation activation = runtime.Activate(consumer);
        if (activation.Grain is not IStreamConsumer<T> handler)
        {
            throw new GrainUnavailableException(consumer, $"its type subscribes to namespace {Id.Namespace} but does not consume {typeof(T).Name}");
        }

        StreamId stream = Id;
        return ValueTask.FromResult(activation.TryQueue(TurnKind.StreamItem, token => handler.OnNextAsync(stream, item, token)));
    }
}
