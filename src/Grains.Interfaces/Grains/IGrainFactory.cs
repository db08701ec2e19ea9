namespace Synod.Grains.Interfaces;

/// <summary>Gives references to grains by identity.</summary>
public interface IGrainFactory
{
    /// <summary>A reference to the grain; no activation happens until the first call.</summary>
    IGrainReference GetGrain(GrainId id);
}
