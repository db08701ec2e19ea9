using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Synod.Runtime.Transport;

/// <summary>What the parts of one transport share: identity, settings, clock, log, counters, and the stop signal.</summary>
internal sealed class TransportContext
{
    public TransportContext(
        SiloId self,
        TransportOptions options,
        TransportMessageHandler handler,
        ILogger logger,
        TransportMetrics metrics,
        TimeProvider time,
        ChannelWriter<PeerStatus> statusChanges,
        CancellationToken stopping)
    {
        Self = self;
        Options = options;
        Handler = handler;
        Logger = logger;
        Metrics = metrics;
        Time = time;
        StatusChanges = statusChanges;
        Stopping = stopping;
    }

    public SiloId Self { get; }

    public TransportOptions Options { get; }

    public TransportMessageHandler Handler { get; }

    public ILogger Logger { get; }

    public TransportMetrics Metrics { get; }

    public TimeProvider Time { get; }

    /// <summary>Bounded, dropping the oldest: a reader that falls behind still finds the current state in <see cref="SiloTransport.GetPeerStatus"/>.</summary>
    public ChannelWriter<PeerStatus> StatusChanges { get; }

    public CancellationToken Stopping { get; }

    public HandshakeDeadline NewHandshakeDeadline(CancellationToken connectionClosed) =>
        new(Options.HandshakeTimeout, Time, Stopping, connectionClosed);

    /// <summary>Counts and logs a handshake that did not authenticate its peer.</summary>
    public void ReportHandshakeFailure(HandshakeOutcome outcome, EndPoint? remote)
    {
        switch (outcome.Failure)
        {
            case HandshakeFailure.Refused:
                Metrics.AuthenticationFailed();
                TransportLog.Refused(Logger, Self, remote, outcome.Peer, outcome.Reason);
                break;
            case HandshakeFailure.RefusedByPeer:
                Metrics.AuthenticationFailed();
                TransportLog.RefusedByPeer(Logger, Self, remote, outcome.Peer, outcome.Reason);
                break;
            case HandshakeFailure.Malformed:
                Metrics.MalformedFrame();
                TransportLog.MalformedFrame(Logger, Self, remote, outcome.Peer, outcome.Reason);
                break;
            case HandshakeFailure.Closed:
                // Not a refusal: the peer went away (it may be stopping, or it refused us without a word).
                TransportLog.ConnectionClosedInHandshake(Logger, Self, remote, outcome.Peer, outcome.Reason);
                break;
            default:
                throw new InvalidOperationException($"Handshake outcome {outcome.Failure} is not a failure.");
        }
    }

    public void ReportHandshakeTimeout(EndPoint? remote, SiloId? claimed)
    {
        Metrics.AuthenticationFailed();
        TransportLog.HandshakeTimedOut(Logger, Self, remote, claimed, Options.HandshakeTimeout);
    }
}
