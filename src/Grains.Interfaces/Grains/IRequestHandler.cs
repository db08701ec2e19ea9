using Google.Protobuf;

namespace Synod.Grains.Interfaces;

/// <summary>A grain that answers requests of one message type; a grain may implement several.</summary>
public interface IRequestHandler<in TRequest, TResponse>
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    /// <summary>Answers one request, as one turn of the activation.</summary>
    Task<TResponse> HandleAsync(TRequest request, CancellationToken cancellationToken);
}
