namespace Synod.Runtime.Transport;

/// <summary>
/// Exponential back-off with "equal jitter": attempt n waits a uniformly random time in
/// [d/2, d] where d = min(max, base * 2^n). The random half spreads the silos that lost a peer at
/// the same moment; the fixed half keeps the delay from collapsing to zero.
/// </summary>
internal sealed class ReconnectBackoff
{
    // 2^20 times any sensible base delay is far above any sensible maximum.
    private const int MaxExponent = 20;

    private readonly TimeSpan _baseDelay;
    private readonly TimeSpan _maxDelay;

    // Invariant: 0 <= _attempt <= MaxExponent.
    private int _attempt;

    public ReconnectBackoff(TimeSpan baseDelay, TimeSpan maxDelay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(baseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, baseDelay);
        _baseDelay = baseDelay;
        _maxDelay = maxDelay;
    }

    /// <summary>The delay before the next attempt, given a uniform sample in [0, 1).</summary>
    public TimeSpan Next(double jitterSample)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(jitterSample, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(jitterSample, 1.0);
        double ceilingTicks = Math.Min(_maxDelay.Ticks, _baseDelay.Ticks * Math.Pow(2, _attempt));
        _attempt = Math.Min(_attempt + 1, MaxExponent);
        return TimeSpan.FromTicks((long)((ceilingTicks / 2) + (ceilingTicks / 2 * jitterSample)));
    }

    /// <summary>A connection succeeded: the next failure starts again from the base delay.</summary>
    public void Reset() => _attempt = 0;
}
