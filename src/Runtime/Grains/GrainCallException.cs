using Synod.Grains.Interfaces;
using Synod.Runtime.Transport;

namespace Synod.Runtime.Grains;

/// <summary>A call to a grain on another silo failed there, or could not reach it.</summary>
public sealed class GrainCallException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GrainCallException(GrainId grain, SiloId silo, string reason, Exception? innerException = null)
        : base($"Call to grain {grain} on silo {silo} failed: {reason}", innerException)
    {
        Grain = grain;
        Silo = silo;
    }

    /// <summary>The grain that was called.</summary>
    public GrainId Grain { get; }

    /// <summary>The silo that hosts it.</summary>
    public SiloId Silo { get; }
}
