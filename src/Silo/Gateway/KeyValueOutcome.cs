namespace Synod.Silo.Gateway;

/// <summary>The outcome of a key-value operation.</summary>
/// <param name="Kind">How it ended.</param>
/// <param name="Value">The value read, or the current value on a CAS mismatch, or null.</param>
/// <param name="Message">A sentence for the caller when it did not succeed.</param>
/// <param name="Index">Log index of the write or read, when known.</param>
public sealed record KeyValueOutcome(KeyValueOutcomeKind Kind, ReadOnlyMemory<byte>? Value = null, string? Message = null, ulong Index = 0);
