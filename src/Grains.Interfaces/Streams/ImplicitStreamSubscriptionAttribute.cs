namespace Synod.Grains.Interfaces.Streams;

/// <summary>Declares that a grain type consumes every stream of a namespace (see <see cref="IStreamConsumer{T}"/>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ImplicitStreamSubscriptionAttribute(string streamNamespace) : Attribute
{
    /// <summary>The namespace whose streams the grain consumes.</summary>
    public string StreamNamespace { get; } = streamNamespace;
}
