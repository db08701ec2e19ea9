using Google.Protobuf;
using Synod.Grains.Interfaces;

namespace Synod.Runtime.Grains;

/// <summary>A reference to a grain in this silo: a call is one request turn of its activation.</summary>
internal sealed class LocalGrainReference(SiloRuntime runtime, GrainId id) : IGrainReference
{
    public GrainId Id { get; } = id;

    public async Task<TResponse> InvokeAsync<TRequest, TResponse>(TRequest request, CancellationToken cancellationToken = default)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(request);
        Activation activation = runtime.Activate(Id);
        if (activation.Grain is IDeferredRequestHandler<TRequest, TResponse> deferred)
        {
            // The turn takes the request; the response may come in a later turn.
            Task<TResponse>? pending = null;
            await activation.RunTurnAsync(
                TurnKind.Request,
                async token => pending = await deferred.BeginAsync(request, token).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            return await pending!.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (activation.Grain is not IRequestHandler<TRequest, TResponse> handler)
        {
            throw new GrainUnavailableException(Id, $"its type does not handle {typeof(TRequest).Name} → {typeof(TResponse).Name}");
        }

        TResponse? response = default;
        await activation.RunTurnAsync(
            TurnKind.Request,
            async token => response = await handler.HandleAsync(request, token).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
        return response!;
    }
}
