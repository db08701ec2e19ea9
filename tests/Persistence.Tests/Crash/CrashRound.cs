namespace Synod.Persistence.Tests.Crash;

/// <summary>What one child process did before it was killed.</summary>
/// <param name="ExitedBeforeKill">The child was already gone when the kill was due (it failed).</param>
/// <param name="ExitCode">The child's exit code: 137 (128 + SIGKILL) after a kill on Unix.</param>
/// <param name="Acks">Acknowledgement lines the child printed.</param>
/// <param name="Acked">The highest version acknowledged per replica in this round (0 for none).</param>
/// <param name="Unexpected">Output lines that are not acknowledgements.</param>
/// <param name="StandardError">Everything the child wrote to standard error.</param>
internal sealed record CrashRound(
    bool ExitedBeforeKill,
    int ExitCode,
    long Acks,
    IReadOnlyList<ulong> Acked,
    IReadOnlyList<string> Unexpected,
    string StandardError);
