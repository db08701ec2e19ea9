using Google.Protobuf;

namespace Synod.Grains.Interfaces.Streams;

/// <summary>
/// A stream of Protobuf messages. Items published by one producer reach each consumer in the order
/// they were published; delivery is at most once (a consensus protocol retransmits what matters).
/// </summary>
public interface IAsyncStream<in T>
    where T : IMessage<T>
{
    /// <summary>The stream's identity.</summary>
    StreamId Id { get; }

    /// <summary>
    /// Publishes one item. Completes once the item is queued for every consumer (not when it is
    /// processed); returns false when it was dropped because a bounded queue on its way was full.
    /// </summary>
    ValueTask<bool> OnNextAsync(T item, CancellationToken cancellationToken = default);
}
