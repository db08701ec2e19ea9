namespace Synod.Grains.Interfaces;

/// <summary>
/// A grain driven by the silo's clock: the silo's single timer queues one tick turn per tickable
/// activation each period (never more than one waiting), instead of a timer per grain. An
/// activation may opt out of ticks while it has nothing to do (<see cref="IGrainContext.SetTicking"/>).
/// </summary>
public interface ITickable
{
    /// <summary>One period of logical time has passed.</summary>
    Task OnTickAsync(CancellationToken cancellationToken);
}
