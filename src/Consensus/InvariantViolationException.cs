namespace Synod.Consensus;

/// <summary>A protocol invariant did not hold. The replica that raised it must stop stepping.</summary>
public sealed class InvariantViolationException : Exception
{
    public InvariantViolationException()
    {
    }

    public InvariantViolationException(string message)
        : base("invariant violated: " + message)
    {
    }

    public InvariantViolationException(string message, Exception innerException)
        : base("invariant violated: " + message, innerException)
    {
    }
}
