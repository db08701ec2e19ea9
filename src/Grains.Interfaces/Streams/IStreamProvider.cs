using Google.Protobuf;

namespace Synod.Grains.Interfaces.Streams;

/// <summary>Gives streams by identity.</summary>
public interface IStreamProvider
{
    /// <summary>The stream <paramref name="id"/> of messages of type <typeparamref name="T"/>.</summary>
    IAsyncStream<T> GetStream<T>(StreamId id)
        where T : IMessage<T>, new();
}
