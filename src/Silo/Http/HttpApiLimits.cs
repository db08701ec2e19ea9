namespace Synod.Silo.Http;

/// <summary>
/// The sizes the HTTP API accepts. They must not exceed the key-value state machine's limits
/// (<c>KvStateMachineConfig.MaxKeyBytes</c> and <c>MaxValueBytes</c>), which are the real bound;
/// checking them here answers an oversized request before its body is read or proposed.
/// </summary>
public sealed record HttpApiLimits
{
    /// <summary>Longest key, in bytes of UTF-8 after percent-decoding. Keys are 1 to this many bytes. Default 1 KiB.</summary>
    public int MaxKeyBytes { get; init; } = 1024;

    /// <summary>Longest value, in bytes (empty values are allowed). Default 1 MiB.</summary>
    public int MaxValueBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// Longest compare-and-set body: room for two values in base64 plus 64 KiB of JSON around them
    /// (2,861,744 bytes with the default value limit). A value given as text with many JSON escapes
    /// may not fit; send it in base64 then.
    /// </summary>
    public int MaxCompareAndSetBodyBytes => (2 * Base64Length(MaxValueBytes)) + (64 * 1024);

    /// <summary>Throws <see cref="ArgumentException"/> when a limit is out of range.</summary>
    public void Validate()
    {
        // The ceilings keep MaxCompareAndSetBodyBytes far from int overflow.
        if (MaxKeyBytes is < 1 or > 64 * 1024)
        {
            throw new ArgumentException($"HTTP API MaxKeyBytes {MaxKeyBytes} is not in [1, 65536]");
        }

        if (MaxValueBytes is < 0 or > 64 * 1024 * 1024)
        {
            throw new ArgumentException($"HTTP API MaxValueBytes {MaxValueBytes} is not in [0, 67108864]");
        }
    }

    private static int Base64Length(int bytes) => 4 * ((bytes + 2) / 3);
}
