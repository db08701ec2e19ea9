using System.Text;

namespace Synod.Client;

/// <summary>The answer to a compare-and-set.</summary>
/// <param name="Succeeded">Whether the expectation held and the replacement was applied.</param>
/// <param name="Current">
/// The key's value as this operation leaves it: the replacement on success (null if it deleted
/// the key); on failure the value that did not match (null if the key is absent).
/// </param>
public sealed record CompareAndSetResult(bool Succeeded, byte[]? Current)
{
    /// <summary><see cref="Current"/> decoded as UTF-8 (null when absent).</summary>
    public string? CurrentString => Current is null ? null : Encoding.UTF8.GetString(Current);
}
