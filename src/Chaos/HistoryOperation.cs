namespace Synod.Chaos;

/// <summary>What a recorded operation did to its key's register.</summary>
public enum OperationKind
{
    /// <summary>Returned the key's value (null when absent).</summary>
    Read,

    /// <summary>Set the key to <see cref="HistoryOperation.Value"/>.</summary>
    Write,

    /// <summary>Set the key to <see cref="HistoryOperation.Value"/> if it held <see cref="HistoryOperation.Expected"/>.</summary>
    CompareAndSet,
}

/// <summary>
/// One operation of a history: who invoked it on which key, with what, what it returned, and when
/// it was invoked and completed (any monotonic unit, the same for the whole history). An
/// <see cref="Indeterminate"/> operation timed out or failed with an unknown outcome: it completes
/// at +infinity and its output is unknown (a write or compare-and-set may or may not have taken effect).
/// </summary>
public sealed record HistoryOperation
{
    /// <summary>Completion time of an indeterminate operation.</summary>
    public const long Never = long.MaxValue;

    /// <summary>The client (process) that invoked it.</summary>
    public required int Client { get; init; }

    /// <summary>The key (each key is checked as an independent register).</summary>
    public required string Key { get; init; }

    /// <summary>Read, write or compare-and-set.</summary>
    public required OperationKind Kind { get; init; }

    /// <summary>The value written (write, compare-and-set's replacement); null for a read.</summary>
    public string? Value { get; init; }

    /// <summary>A compare-and-set's expected value (null: the key is absent).</summary>
    public string? Expected { get; init; }

    /// <summary>What a read returned (null: absent).</summary>
    public string? ReadValue { get; init; }

    /// <summary>Whether a compare-and-set succeeded (ignored for other kinds).</summary>
    public bool Succeeded { get; init; }

    /// <summary>When it was invoked.</summary>
    public required long Invoked { get; init; }

    /// <summary>When it completed; <see cref="Never"/> when indeterminate.</summary>
    public long Completed { get; init; } = Never;

    /// <summary>Whether the outcome is unknown.</summary>
    public bool Indeterminate => Completed == Never;

    /// <summary>Creates a completed read.</summary>
    public static HistoryOperation Read(int client, string key, string? returned, long invoked, long completed) =>
        new() { Client = client, Key = key, Kind = OperationKind.Read, ReadValue = returned, Invoked = invoked, Completed = completed };

    /// <summary>Creates a write; <paramref name="completed"/> null when its outcome is unknown.</summary>
    public static HistoryOperation Write(int client, string key, string value, long invoked, long? completed) =>
        new() { Client = client, Key = key, Kind = OperationKind.Write, Value = value, Invoked = invoked, Completed = completed ?? Never };

    /// <summary>Creates a compare-and-set; <paramref name="completed"/> null when its outcome is unknown (then <paramref name="succeeded"/> is ignored).</summary>
    public static HistoryOperation CompareAndSet(int client, string key, string? expected, string value, bool succeeded, long invoked, long? completed) =>
        new() { Client = client, Key = key, Kind = OperationKind.CompareAndSet, Expected = expected, Value = value, Succeeded = succeeded, Invoked = invoked, Completed = completed ?? Never };

    /// <inheritdoc/>
    public override string ToString()
    {
        string output = Indeterminate ? "?" : Kind switch
        {
            OperationKind.Read => Show(ReadValue),
            OperationKind.Write => "ok",
            _ => Succeeded ? "ok" : "failed",
        };
        string call = Kind switch
        {
            OperationKind.Read => "read()",
            OperationKind.Write => $"write({Show(Value)})",
            _ => $"cas({Show(Expected)}→{Show(Value)})",
        };
        string end = Indeterminate ? "∞" : Completed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"client {Client} {Key}: {call} → {output} [{Invoked}, {end}]";
    }

    private static string Show(string? value) => value ?? "nil";
}
