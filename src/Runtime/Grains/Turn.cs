using System.Diagnostics;

namespace Synod.Runtime.Grains;

/// <summary>One unit of an activation's work; runs alone, to completion, before the next starts.</summary>
internal sealed class Turn(TurnKind kind, Func<CancellationToken, Task> work, TaskCompletionSource? completion, Activity? parent = null)
{
    public TurnKind Kind { get; } = kind;

    public Func<CancellationToken, Task> Work { get; } = work;

    /// <summary>Completed with the turn's outcome when a caller waits for it (requests); null otherwise.</summary>
    public TaskCompletionSource? Completion { get; } = completion;

    /// <summary>
    /// The caller's recorded span (a request made while a trace was recorded), current while the
    /// turn runs so the grain's spans join the caller's trace; null for untraced work.
    /// </summary>
    public Activity? Parent { get; } = parent;
}
