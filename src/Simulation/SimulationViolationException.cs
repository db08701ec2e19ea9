namespace Synod.Simulation;

/// <summary>Raised inside a run when a checker finds a violation; carries the invariant's name.</summary>
public sealed class SimulationViolationException : Exception
{
    public SimulationViolationException()
    {
    }

    public SimulationViolationException(string message)
        : base(message)
    {
    }

    public SimulationViolationException(string invariant, string detail)
        : base(invariant + ": " + detail)
    {
        Invariant = invariant;
        Detail = detail;
    }

    public SimulationViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string Invariant { get; } = "unknown";

    public string Detail { get; } = "";
}
