using System.Reflection;
using Synod.Grains.Interfaces;
using Synod.Grains.Interfaces.Streams;

namespace Synod.Runtime.Grains;

/// <summary>
/// Which grain types a silo can activate, how to construct each, and which stream namespaces
/// each consumes implicitly (from <see cref="ImplicitStreamSubscriptionAttribute"/>).
/// </summary>
public sealed class GrainTypeRegistry
{
    private readonly Dictionary<GrainType, Func<GrainId, Grain>> _factories = [];
    private readonly Dictionary<string, GrainType> _consumers = new(StringComparer.Ordinal);

    /// <summary>Registers grain type <paramref name="type"/>, built by <paramref name="factory"/>.</summary>
    public GrainTypeRegistry Add<TGrain>(string type, Func<GrainId, TGrain> factory)
        where TGrain : Grain
    {
        ArgumentNullException.ThrowIfNull(factory);
        var grainType = new GrainType(type);
        if (!_factories.TryAdd(grainType, id => factory(id)))
        {
            throw new ArgumentException($"Grain type {type} is registered twice.", nameof(type));
        }

        DispatchTable.AddGrainClass(typeof(TGrain));
        foreach (ImplicitStreamSubscriptionAttribute subscription in typeof(TGrain).GetCustomAttributes<ImplicitStreamSubscriptionAttribute>())
        {
            if (!_consumers.TryAdd(subscription.StreamNamespace, grainType))
            {
                throw new ArgumentException($"Stream namespace {subscription.StreamNamespace} is consumed by both {_consumers[subscription.StreamNamespace]} and {type}.", nameof(type));
            }
        }

        return this;
    }

    /// <summary>How calls and stream items that arrive as bytes reach the registered grain types.</summary>
    internal GrainDispatchTable DispatchTable { get; } = new();

    internal Grain Create(GrainId id) =>
        _factories.TryGetValue(id.Type, out Func<GrainId, Grain>? factory)
            ? factory(id)
            : throw new GrainUnavailableException(id, $"no grain type {id.Type} is registered in this silo");

    internal bool TryGetConsumer(string streamNamespace, out GrainType type) => _consumers.TryGetValue(streamNamespace, out type);
}
