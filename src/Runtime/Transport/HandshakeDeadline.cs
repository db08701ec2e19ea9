namespace Synod.Runtime.Transport;

/// <summary>
/// Bounds one handshake: its token is cancelled when the handshake timeout passes on the injected
/// clock, when the transport stops, or when the connection closes.
/// </summary>
internal sealed class HandshakeDeadline : IDisposable
{
    private readonly CancellationTokenSource _timeout;
    private readonly CancellationTokenSource _linked;

    public HandshakeDeadline(TimeSpan timeout, TimeProvider time, CancellationToken stopping, CancellationToken connectionClosed)
    {
        _timeout = new CancellationTokenSource(timeout, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, connectionClosed, _timeout.Token);
    }

    public CancellationToken Token => _linked.Token;

    public bool TimedOut => _timeout.IsCancellationRequested;

    public void Dispose()
    {
        _linked.Dispose();
        _timeout.Dispose();
    }
}
