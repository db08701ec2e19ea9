namespace Synod.Grains.Interfaces;

/// <summary>
/// Base of every grain. The runtime runs an activation's work one turn at a time — a request, a
/// stream item, a tick — so grain code needs no locks; a turn may await, and the next turn starts
/// only when it has finished.
/// </summary>
public abstract class Grain
{
    private IGrainContext? _context;

    /// <summary>The activation's context; set by the runtime before <see cref="OnActivateAsync"/>.</summary>
    protected IGrainContext Context => _context ?? throw new InvalidOperationException("The grain is not activated yet.");

    /// <summary>The grain's identity.</summary>
    public GrainId Id => Context.Id;

    /// <summary>Called once, as the activation's first turn.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called once, as the activation's last turn (silo shutdown or deactivation).</summary>
    public virtual Task OnDeactivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Attaches the runtime's context; the runtime calls it once.</summary>
    public void Attach(IGrainContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_context is not null)
        {
            throw new InvalidOperationException($"Grain {context.Id} is already attached.");
        }

        _context = context;
    }
}
