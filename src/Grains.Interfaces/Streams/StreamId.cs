namespace Synod.Grains.Interfaces.Streams;

/// <summary>A stream's identity: a namespace (e.g. <c>raft</c>) and a key within it (e.g. a replica's grain key).</summary>
/// <param name="Namespace">The stream namespace; grains subscribe implicitly by namespace.</param>
/// <param name="Key">The key within the namespace.</param>
public readonly record struct StreamId(string Namespace, string Key)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Namespace}/{Key}";
}
