using System.Diagnostics;

namespace Synod.Persistence.AdoNet;

/// <summary>A request waiting for the store's writer loop.</summary>
internal abstract class StoreRequest
{
    public long EnqueuedTimestamp { get; } = Stopwatch.GetTimestamp();

    /// <summary>Completes the request with an error.</summary>
    public abstract void Fail(Exception error);
}
