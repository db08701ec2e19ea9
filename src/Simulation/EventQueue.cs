namespace Synod.Simulation;

/// <summary>
/// The simulated clock and its pending events, ordered by (time, insertion order) so that equal
/// times replay in the same order for the same seed. Shared by every protocol's simulator.
/// </summary>
public sealed class EventQueue<TEvent>
{
    private readonly PriorityQueue<TEvent, (long Time, long Sequence)> _events = new();
    private long _sequence;

    /// <summary>Simulated milliseconds since the run began.</summary>
    public long Now { get; private set; }

    public int Count => _events.Count;

    public void Schedule(long delayMillis, TEvent item)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(delayMillis);
        _events.Enqueue(item, (Now + delayMillis, _sequence++));
    }

    /// <summary>Takes the next event and advances the clock to its time.</summary>
    public bool TryNext(out TEvent item)
    {
        if (_events.TryDequeue(out item!, out var at))
        {
            Now = at.Time;
            return true;
        }

        return false;
    }
}
