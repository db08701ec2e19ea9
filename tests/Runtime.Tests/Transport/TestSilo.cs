using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Logging;
using Synod.Runtime.Transport;

namespace Synod.Runtime.Tests.Transport;

/// <summary>A transport on 127.0.0.1 whose handler records what arrives, per sender, and can be held shut.</summary>
internal sealed class TestSilo : IAsyncDisposable
{
    private readonly ConcurrentDictionary<SiloId, ConcurrentQueue<TransportMessage>> _received = new();
    private TaskCompletionSource? _gate;

    private TestSilo(SiloId id) => Id = id;

    public SiloId Id { get; }

    public SiloTransport Transport { get; private set; } = null!;

    public IPEndPoint Endpoint => Transport.LocalEndpoint;

    public TransportStatistics Statistics => Transport.Statistics;

    public static async Task<TestSilo> StartAsync(
        int id,
        IEnumerable<SiloEndpoint> peers,
        TransportOptions options,
        ILoggerFactory loggerFactory,
        IPEndPoint? listenOn = null,
        IMeterFactory? meterFactory = null)
    {
        var silo = new TestSilo(new SiloId(id));
        silo.Transport = new SiloTransport(
            new SiloEndpoint(silo.Id, listenOn ?? new IPEndPoint(IPAddress.Loopback, 0)),
            peers,
            options,
            silo.HandleAsync,
            loggerFactory,
            TimeProvider.System,
            meterFactory);
        await silo.Transport.StartAsync(CancellationToken.None);
        return silo;
    }

    public IReadOnlyList<TransportMessage> ReceivedFrom(int sender) =>
        _received.TryGetValue(new SiloId(sender), out ConcurrentQueue<TransportMessage>? queue) ? [.. queue] : [];

    public int ReceivedCount => _received.Values.Sum(queue => queue.Count);

    public PeerStatus StatusOf(int peer) => Transport.GetPeerStatus(new SiloId(peer));

    public bool TrySend(int to, TransportMessage message) => Transport.TrySend(new SiloId(to), message);

    /// <summary>From now on the handler waits, holding the first message it gets, until <see cref="ReleaseMessages"/>.</summary>
    public void HoldMessages() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseMessages() => _gate?.TrySetResult();

    public ValueTask DisposeAsync()
    {
        ReleaseMessages();
        return Transport.DisposeAsync();
    }

    private async ValueTask HandleAsync(SiloId from, TransportMessage message, CancellationToken cancellationToken)
    {
        if (_gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        _received.GetOrAdd(from, _ => new ConcurrentQueue<TransportMessage>()).Enqueue(message);
    }
}
