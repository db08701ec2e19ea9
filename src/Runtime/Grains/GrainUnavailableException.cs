using Synod.Grains.Interfaces;

namespace Synod.Runtime.Grains;

/// <summary>A grain could not take a call (it is deactivating, its type is unknown, or it does not handle the request).</summary>
public sealed class GrainUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GrainUnavailableException(GrainId grain, string reason, Exception? innerException = null)
        : base($"Grain {grain} cannot take the call: {reason}.", innerException)
    {
        Grain = grain;
    }

    /// <summary>The grain that was called.</summary>
    public GrainId Grain { get; }
}
