using System.Runtime.CompilerServices;

namespace Synod.Consensus;

/// <summary>
/// Checks a protocol invariant in every build configuration. A breach throws
/// <see cref="InvariantViolationException"/>, which the host treats as fail-stop for that replica.
/// </summary>
public static class Invariant
{
    public static void Holds(bool condition, [CallerArgumentExpression(nameof(condition))] string expression = "")
    {
        if (!condition)
        {
            throw new InvariantViolationException(expression);
        }
    }

    public static void Holds(bool condition, string detail, [CallerArgumentExpression(nameof(condition))] string expression = "")
    {
        if (!condition)
        {
            throw new InvariantViolationException(expression + " (" + detail + ")");
        }
    }
}
