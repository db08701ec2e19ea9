using Google.Protobuf;

namespace Synod.Grains.Interfaces.Streams;

/// <summary>
/// A grain that consumes the streams of one namespace implicitly: an item published to
/// <c>(namespace, key)</c> is delivered, as a turn, to the grain of the subscribed type whose key is
/// <c>key</c> (activating it if needed) — Orleans' implicit subscriptions.
/// </summary>
public interface IStreamConsumer<in T>
    where T : IMessage<T>
{
    /// <summary>One item of the stream <paramref name="stream"/>.</summary>
    Task OnNextAsync(StreamId stream, T item, CancellationToken cancellationToken);
}
