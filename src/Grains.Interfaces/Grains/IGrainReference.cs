using Google.Protobuf;

namespace Synod.Grains.Interfaces;

/// <summary>
/// A location-transparent handle to a grain: a call reaches the activation on whichever silo hosts
/// it, runs as one of its turns, and returns its response. Requests and responses are Protobuf
/// messages, so the same call works within a silo and across silos.
/// </summary>
public interface IGrainReference
{
    /// <summary>The grain this reference points at.</summary>
    GrainId Id { get; }

    /// <summary>Sends <paramref name="request"/> to the grain's <see cref="IRequestHandler{TRequest, TResponse}"/> and waits for its response.</summary>
    Task<TResponse> InvokeAsync<TRequest, TResponse>(TRequest request, CancellationToken cancellationToken = default)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new();
}
