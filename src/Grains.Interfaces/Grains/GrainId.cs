namespace Synod.Grains.Interfaces;

/// <summary>
/// A grain's identity: its type and a key unique within the type, e.g. <c>raft-replica/kv-17:2</c>.
/// The runtime activates the grain on first use, wherever placement puts it; callers never say where.
/// </summary>
/// <param name="Type">The grain's type.</param>
/// <param name="Key">The key within the type (printable ASCII without '/').</param>
public readonly record struct GrainId(GrainType Type, string Key)
{
    /// <summary>Creates a grain id after checking the key.</summary>
    public static GrainId Create(string type, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length is 0 or > 200 || key.Any(c => c is < '!' or > '~' or '/'))
        {
            throw new ArgumentException($"A grain key is 1 to 200 printable ASCII characters without '/'; '{key}' is not.", nameof(key));
        }

        return new GrainId(new GrainType(type), key);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Type}/{Key}";
}
