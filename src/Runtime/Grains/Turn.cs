namespace Synod.Runtime.Grains;

/// <summary>One unit of an activation's work; runs alone, to completion, before the next starts.</summary>
internal sealed class Turn(TurnKind kind, Func<CancellationToken, Task> work, TaskCompletionSource? completion)
{
    public TurnKind Kind { get; } = kind;

    public Func<CancellationToken, Task> Work { get; } = work;

    /// <summary>Completed with the turn's outcome when a caller waits for it (requests); null otherwise.</summary>
    public TaskCompletionSource? Completion { get; } = completion;
}
