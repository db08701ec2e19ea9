using System.Reflection;
using Google.Protobuf;
using Synod.Grains.Interfaces;
using Synod.Grains.Interfaces.Streams;

namespace Synod.Runtime.Grains;

/// <summary>
/// What a silo needs to run a call or a stream item that arrived as bytes from another silo: for
/// each grain type, the request types it answers and the stream item types it consumes, with
/// delegates that parse the bytes and run the local path. Built once per grain type by reflection
/// over the grain's handler interfaces.
/// </summary>
internal sealed class GrainDispatchTable
{
    private static readonly MethodInfo CallMethod = typeof(GrainDispatchTable).GetMethod(nameof(CallAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo StreamMethod = typeof(GrainDispatchTable).GetMethod(nameof(PublishLocally), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly Dictionary<string, RemoteCall> _calls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RemoteStreamItem> _streamItems = new(StringComparer.Ordinal);

    /// <summary>Runs a request that arrived as bytes and returns the response's bytes.</summary>
    public delegate Task<byte[]> RemoteCall(SiloRuntime runtime, GrainId grain, ReadOnlyMemory<byte> request, CancellationToken cancellationToken);

    /// <summary>Queues a stream item that arrived as bytes; false when it was dropped.</summary>
    public delegate bool RemoteStreamItem(SiloRuntime runtime, StreamId stream, ReadOnlyMemory<byte> item);

    public void AddGrainClass(Type grainClass)
    {
        foreach (Type contract in grainClass.GetInterfaces().Where(i => i.IsGenericType))
        {
            Type definition = contract.GetGenericTypeDefinition();
            Type[] arguments = contract.GetGenericArguments();
            if (definition == typeof(IRequestHandler<,>) || definition == typeof(IDeferredRequestHandler<,>))
            {
                _calls[MessageName(arguments[0])] = CallMethod.MakeGenericMethod(arguments).CreateDelegate<RemoteCall>();
            }
            else if (definition == typeof(IStreamConsumer<>))
            {
                _streamItems[MessageName(arguments[0])] = StreamMethod.MakeGenericMethod(arguments).CreateDelegate<RemoteStreamItem>();
            }
        }
    }

    public bool TryGetCall(string requestType, out RemoteCall call) => _calls.TryGetValue(requestType, out call!);

    public bool TryGetStreamItem(string itemType, out RemoteStreamItem item) => _streamItems.TryGetValue(itemType, out item!);

    /// <summary>The Protobuf full name of a message type, which identifies it on the wire.</summary>
    public static string MessageName(Type messageType) =>
        ((IMessage)Activator.CreateInstance(messageType)!).Descriptor.FullName;

    private static async Task<byte[]> CallAsync<TRequest, TResponse>(SiloRuntime runtime, GrainId grain, ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new()
    {
        var parsed = new TRequest();
        parsed.MergeFrom(request.Span);
        TResponse response = await new LocalGrainReference(runtime, grain).InvokeAsync<TRequest, TResponse>(parsed, cancellationToken).ConfigureAwait(false);
        return response.ToByteArray();
    }

    private static bool PublishLocally<T>(SiloRuntime runtime, StreamId stream, ReadOnlyMemory<byte> item)
        where T : IMessage<T>, new()
    {
        var parsed = new T();
        parsed.MergeFrom(item.Span);
        return runtime.QueueLocally(stream, parsed);
    }
}
