namespace Synod.Grains.Interfaces;

/// <summary>The kind of a grain, e.g. <c>raft-replica</c>: lower-case letters, digits and dashes.</summary>
public readonly record struct GrainType
{
    /// <summary>Creates a grain type after checking its name.</summary>
    /// <exception cref="ArgumentException">The name is empty, longer than 64 characters or has other characters.</exception>
    public GrainType(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length is 0 or > 64 || !value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
        {
            throw new ArgumentException($"A grain type is 1 to 64 lower-case letters, digits or dashes; '{value}' is not.", nameof(value));
        }

        Value = value;
    }

    /// <summary>The name.</summary>
    public string Value { get; }

    /// <inheritdoc/>
    public override string ToString() => Value;
}
