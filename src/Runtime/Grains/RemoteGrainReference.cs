using Google.Protobuf;
using Synod.Grains.Interfaces;
using Synod.Runtime.Transport;

namespace Synod.Runtime.Grains;

/// <summary>A reference to a grain placed on another silo: a call travels as a transport message (directly, or <paramref name="relayed"/> through <paramref name="silo"/>) and its answer comes back correlated.</summary>
internal sealed class RemoteGrainReference(SiloRuntime runtime, GrainId id, SiloId silo, bool relayed = false) : IGrainReference
{
    public GrainId Id { get; } = id;

    public async Task<TResponse> InvokeAsync<TRequest, TResponse>(TRequest request, CancellationToken cancellationToken = default)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(request);
        TransportMessage answer = await runtime.CallRemoteAsync(
            silo, Id, request.Descriptor.FullName, request.ToByteString(), cancellationToken, relayed).ConfigureAwait(false);
        if (answer.Kind == RemoteKinds.Error)
        {
            throw new GrainCallException(Id, silo, answer.Payload.ToStringUtf8());
        }

        var response = new TResponse();
        response.MergeFrom(answer.Payload);
        return response;
    }
}
