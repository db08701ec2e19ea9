namespace Synod.Persistence.Tests.Contract;

/// <summary>
/// The system clock, except that between <see cref="Hold"/> and <see cref="Release"/> every new
/// timer waits for <see cref="Release"/> instead of its due time. Given to a store with a
/// group-commit delay, it keeps the writer inside that delay, with the queued batches untouched,
/// for as long as a test needs: what is queued behind what no longer depends on thread timing.
/// </summary>
internal sealed class HeldTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private List<HeldTimer>? _held;

    /// <summary>From now on, timers wait for <see cref="Release"/>.</summary>
    public void Hold()
    {
        lock (_lock)
        {
            _held ??= [];
        }
    }

    /// <summary>Fires every held timer and lets new timers run on the system clock again.</summary>
    public void Release()
    {
        List<HeldTimer> held;
        lock (_lock)
        {
            held = _held ?? [];
            _held = null;
        }

        foreach (HeldTimer timer in held)
        {
            timer.Fire();
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_lock)
        {
            if (_held is not null)
            {
                var timer = new HeldTimer(callback, state);
                _held.Add(timer);
                return timer;
            }
        }

        return base.CreateTimer(callback, state, dueTime, period);
    }

    /// <summary>A one-shot timer that fires when released, unless it was disposed first.</summary>
    private sealed class HeldTimer(TimerCallback callback, object? state) : ITimer
    {
        private int _done;

        public void Fire()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                callback(state);
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period) => Volatile.Read(ref _done) == 0;

        public void Dispose() => Interlocked.Exchange(ref _done, 1);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
