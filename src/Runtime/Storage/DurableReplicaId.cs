namespace Synod.Runtime.Storage;

/// <summary>
/// The name under which one replica's durable state is kept in a silo's store, for example
/// <c>kv-17/2</c> (group <c>kv-17</c>, replica 2). Printable ASCII, 1 to 200 characters.
/// </summary>
public readonly record struct DurableReplicaId
{
    /// <summary>The longest name a store accepts.</summary>
    public const int MaxLength = 200;

    /// <summary>Creates an id after checking that <paramref name="value"/> is a usable name.</summary>
    /// <exception cref="ArgumentException">The name is empty, too long or not printable ASCII.</exception>
    public DurableReplicaId(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length is 0 or > MaxLength)
        {
            throw new ArgumentException($"A replica name has 1 to {MaxLength} characters; got {value.Length}.", nameof(value));
        }

        foreach (char c in value)
        {
            if (c is < '!' or > '~')
            {
                throw new ArgumentException($"A replica name is printable ASCII without spaces; '{value}' is not.", nameof(value));
            }
        }

        Value = value;
    }

    /// <summary>The name.</summary>
    public string Value { get; }

    /// <inheritdoc/>
    public override string ToString() => Value;
}
