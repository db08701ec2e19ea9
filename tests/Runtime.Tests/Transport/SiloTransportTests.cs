using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Synod.Runtime.Transport;
using Xunit.Abstractions;

namespace Synod.Runtime.Tests.Transport;

/// <summary>Real transports on 127.0.0.1, port 0, with short heartbeats and timeouts.</summary>
public sealed class SiloTransportTests : IAsyncLifetime
{
    private const string ClusterKey = "test-cluster-key-0123456789abcdef";
    private const string ClusterName = "test";

    // A silo with the lower id dials, so the endpoint a silo lists for a lower peer is never used.
    private static readonly IPEndPoint NeverDialled = new(IPAddress.Loopback, 9);

    private readonly ITestOutputHelper _output;
    private readonly ConcurrentQueue<RecordingLoggerProvider.LogLine> _logs = new();
    private readonly ILoggerFactory _loggerFactory;
    private readonly List<TestSilo> _silos = [];

    public SiloTransportTests(ITestOutputHelper output)
    {
        // On a two-core machine the test host keeps the thread pool's few minimum threads busy,
        // and timer callbacks then wait up to a second for a thread: long enough to miss
        // heartbeats. Real silos do not block pool threads; the test host does.
        ThreadPool.GetMinThreads(out int workers, out int completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), completionPorts);
        _output = output;
        _loggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Debug).AddProvider(new RecordingLoggerProvider(_logs)));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (TestSilo silo in _silos)
        {
            await silo.DisposeAsync();
        }

        foreach (RecordingLoggerProvider.LogLine line in _logs.Where(line => line.Level >= LogLevel.Information).TakeLast(200))
        {
            _output.WriteLine($"{line.Level} {line.EventId.Id} {line.Message} {line.Exception}");
        }

        _loggerFactory.Dispose();
    }

    // Three transports exchange many messages in both directions at once; every pair's messages
    // arrive complete and in order, the writers put many frames in each flush, and the counters
    // reach the Synod meter.
    [Fact]
    public async Task Three_silos_exchange_many_messages_in_order_and_batched()
    {
        const int PerPair = 5_000;
        await using ServiceProvider metricsServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
        IMeterFactory meterFactory = metricsServices.GetRequiredService<IMeterFactory>();
        var measured = new ConcurrentDictionary<(string Name, int Silo), long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && instrument.Name.StartsWith("synod.transport.", StringComparison.Ordinal))
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            int silo = tags.ToArray().Where(tag => tag.Key == "silo").Select(tag => (int)tag.Value!).Single();
            measured.AddOrUpdate((instrument.Name, silo), value, (_, sum) => sum + value);
        });
        listener.Start();

        TestSilo[] silos = await StartClusterAsync(3, _ => Options(options => options.SendQueueCapacity = PerPair), meterFactory);
        await AllUpAsync(silos);

        await Task.WhenAll(
            from sender in silos
            from receiver in silos
            where sender != receiver
            select Task.Run(() =>
            {
                for (int i = 0; i < PerPair; i++)
                {
                    Assert.True(sender.TrySend(receiver.Id.Value, Message(i)));
                }
            }));

        await Eventually.HoldsAsync(() => silos.All(silo => silo.ReceivedCount == 2 * PerPair), "every message arrived", TimeSpan.FromSeconds(10));
        await Eventually.HoldsAsync(() => silos.All(silo => silo.Statistics.MessagesSent == 2 * PerPair), "every sender counted its messages");
        foreach (TestSilo receiver in silos)
        {
            foreach (TestSilo sender in silos.Where(sender => sender != receiver))
            {
                Assert.Equal(Enumerable.Range(0, PerPair).Select(i => (ulong)i), receiver.ReceivedFrom(sender.Id.Value).Select(message => message.CorrelationId));
            }
        }

        foreach (TestSilo silo in silos)
        {
            TransportStatistics statistics = silo.Statistics;
            _output.WriteLine($"silo {silo.Id}: {statistics}");
            Assert.Equal(2 * PerPair, statistics.MessagesReceived);
            Assert.True(statistics.FramesSent > 2 * statistics.Flushes, $"silo {silo.Id} wrote {statistics.FramesSent} frames in {statistics.Flushes} flushes");
            Assert.Equal(0, statistics.MessagesDropped + statistics.AuthenticationFailures + statistics.MalformedFrames);
            Assert.Equal(statistics.MessagesSent, measured.GetValueOrDefault(("synod.transport.messages.sent", silo.Id.Value)));

            // Heartbeats keep flushing in the background, so the counter and the instrument are
            // compared at a moment between two flushes rather than from two separate readings.
            await Eventually.HoldsAsync(
                () => silo.Statistics.Flushes == measured.GetValueOrDefault(("synod.transport.flushes", silo.Id.Value)),
                $"silo {silo.Id}'s flush counter and instrument agree");
        }
    }

    // A silo without the cluster key is refused in both roles (as listener and as dialer): the
    // refusal is counted and logged on both sides, no message reaches it or comes from it, and
    // the silos that hold the key keep working.
    [Fact]
    public async Task A_silo_with_the_wrong_key_is_refused_while_the_others_work()
    {
        // Silo 1 dials the impostor (silo 2), and the impostor dials silo 3.
        TestSilo[] silos = await StartClusterAsync(3, id => Options(options => options.ClusterKey = id == 2 ? "not-the-cluster-key-at-all" : ClusterKey));
        TestSilo one = silos[0], impostor = silos[1], three = silos[2];
        await Eventually.HoldsAsync(() => one.StatusOf(3).State == PeerState.Up && three.StatusOf(1).State == PeerState.Up, "silos 1 and 3 are up to each other");
        await Eventually.HoldsAsync(
            () => one.Statistics.AuthenticationFailures >= 1 && three.Statistics.AuthenticationFailures >= 1 && impostor.Statistics.AuthenticationFailures >= 2,
            "both handshakes with the impostor failed on both sides");

        Assert.True(one.TrySend(2, Message(1)));
        Assert.True(three.TrySend(2, Message(2)));
        Assert.True(impostor.TrySend(1, Message(3)));
        Assert.True(impostor.TrySend(3, Message(4)));
        Assert.True(one.TrySend(3, Message(5)));
        await Eventually.HoldsAsync(() => three.ReceivedFrom(1).Count == 1, "silo 3 got silo 1's message");

        // Let the dialers try again with those messages queued, then check nothing got through.
        long failures = impostor.Statistics.AuthenticationFailures;
        await Eventually.HoldsAsync(() => impostor.Statistics.AuthenticationFailures >= failures + 2, "more handshakes with the impostor failed");
        Assert.Equal(0, impostor.ReceivedCount);
        Assert.Empty(one.ReceivedFrom(2));
        Assert.Empty(three.ReceivedFrom(2));
        Assert.Equal(0, impostor.Statistics.FramesReceived);
        Assert.Equal((PeerState.Down, (DateTimeOffset?)null), (one.StatusOf(2).State, one.StatusOf(2).LastHeard));
        Assert.Equal((PeerState.Down, (DateTimeOffset?)null), (three.StatusOf(2).State, three.StatusOf(2).LastHeard));
        Assert.Contains(_logs, line => line.EventId.Id == 5105 && line.Message.Contains("does not hold the cluster key", StringComparison.Ordinal));
        Assert.Contains(_logs, line => line.EventId.Id == 5106);
    }

    // Garbage, an oversized length prefix, an unparsable frame, silence, and an oversized frame
    // from a client that did authenticate each close only that connection, with a logged reason
    // and a counter, while the real peers' connection carries on untouched.
    [Fact]
    public async Task Bad_frames_close_their_connection_and_the_transport_keeps_serving()
    {
        // Silo 0 is configured but not running: the test speaks for it over a raw socket.
        TestSilo two = await StartAsync(2, [new(new SiloId(0), NeverDialled), new(new SiloId(1), NeverDialled)], Options(options => options.HandshakeTimeout = TimeSpan.FromMilliseconds(500)));
        TestSilo one = await StartAsync(1, [new(new SiloId(2), two.Endpoint)], Options());
        await AllUpAsync([one, two]);

        await ExpectClosedAsync(two.Endpoint, "GET / HTTP/1.1\r\nHost: silo\r\n\r\n"u8.ToArray());
        await ExpectClosedAsync(two.Endpoint, [0x7F, 0xFF, 0xFF, 0xFF, 1, 2, 3]);
        await ExpectClosedAsync(two.Endpoint, [0, 0, 0, 3, 0xFF, 0xFF, 0xFF]);
        Assert.Equal(3, two.Statistics.MalformedFrames);
        await ExpectClosedAsync(two.Endpoint, []);
        Assert.Equal(1, two.Statistics.AuthenticationFailures);

        // Authenticated as silo 0, then one byte over the limit.
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(two.Endpoint);
            var pipe = new DuplexPipe(PipeReader.Create(client.GetStream()), PipeWriter.Create(client.GetStream()));
            var handshake = new Handshake(new SiloId(0), ClusterName, Encoding.UTF8.GetBytes(ClusterKey));
            HandshakeOutcome outcome = await handshake.DialAsync(pipe, new SiloId(2), CancellationToken.None);
            Assert.True(outcome.Authenticated, outcome.Reason);
            byte[] prefix = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(prefix, Options().MaxFrameBytes + 1);
            await pipe.Output.WriteAsync(prefix);
            Assert.True(await ClosedByServerAsync(pipe.Input), "the server kept the connection open");
        }

        Assert.Equal(4, two.Statistics.MalformedFrames);
        Assert.Equal(4, _logs.Count(line => line.EventId.Id == 5108));
        Assert.Contains(_logs, line => line.EventId.Id == 5108 && line.Message.Contains("over MaxFrameBytes", StringComparison.Ordinal));

        Assert.True(one.TrySend(2, Message(1)));
        Assert.True(two.TrySend(1, Message(2)));
        await Eventually.HoldsAsync(() => two.ReceivedFrom(1).Count == 1 && one.ReceivedFrom(2).Count == 1, "the real peers still exchange messages");
        Assert.Equal(0, one.Statistics.Reconnects);
        Assert.Equal(PeerState.Up, one.StatusOf(2).State);
    }

    // A stopped peer is reported down once the peer timeout passes, and up again when it restarts
    // on the same port, with messages flowing again: first for the listening side of a pair (the
    // dialer reconnects with back-off), then for the dialing side (the listener accepts it anew).
    [Fact]
    public async Task A_stopped_peer_goes_down_and_comes_back_up_when_it_restarts()
    {
        TimeSpan peerTimeout = Options().PeerTimeout;
        TestSilo[] silos = await StartClusterAsync(2, _ => Options());
        TestSilo one = silos[0], two = silos[1];
        await AllUpAsync(silos);

        IPEndPoint twoEndpoint = two.Endpoint;
        await StopAsync(two);
        await Eventually.HoldsAsync(() => one.StatusOf(2).State == PeerState.Down, "silo 1 reports silo 2 down");
        PeerStatus down = one.StatusOf(2);
        Assert.True(down.Since - down.LastHeard >= peerTimeout, $"down at {down.Since:O}, last heard {down.LastHeard:O}");

        two = await StartAsync(2, [new(new SiloId(1), NeverDialled)], Options(), twoEndpoint);
        await AllUpAsync([one, two]);
        await ExchangeAsync(one, two, 10);
        Assert.True(one.Statistics.Reconnects >= 1);
        Assert.Equal([PeerState.Up, PeerState.Down, PeerState.Up], Drain(one.Transport.StatusChanges).Where(status => status.Silo.Value == 2).Select(status => status.State));

        await StopAsync(one);
        await Eventually.HoldsAsync(() => two.StatusOf(1).State == PeerState.Down, "silo 2 reports silo 1 down");
        one = await StartAsync(1, [new(new SiloId(2), twoEndpoint)], Options());
        await AllUpAsync([one, two]);
        await ExchangeAsync(one, two, 20);
        Assert.True(two.Statistics.Reconnects >= 1);
    }

    // With the peer down, the send queue fills to its capacity and then refuses the newest
    // messages and counts them, as it does for unknown peers and oversized messages.
    [Fact]
    public async Task A_down_peer_fills_the_bounded_queue_which_then_drops_and_counts()
    {
        const int Capacity = 100;
        IPEndPoint nobody = ClosedPort();
        TestSilo one = await StartAsync(1, [new(new SiloId(2), nobody)], Options(options => options.SendQueueCapacity = Capacity));

        bool[] accepted = [.. Enumerable.Range(0, Capacity + 50).Select(i => one.TrySend(2, Message(i)))];
        Assert.Equal(Capacity, accepted.Count(ok => ok));
        Assert.All(accepted.Take(Capacity), Assert.True);
        Assert.Equal(50, one.Statistics.MessagesDropped);
        Assert.Equal(Capacity, one.StatusOf(2).QueuedMessages);
        Assert.Single(_logs, line => line.EventId.Id == 5110);

        Assert.False(one.TrySend(7, Message(0)));
        Assert.False(one.TrySend(2, new TransportMessage { Payload = ByteString.CopyFrom(new byte[Options().MaxFrameBytes]) }));
        Assert.Equal(52, one.Statistics.MessagesDropped);
        Assert.Equal(PeerState.Down, one.StatusOf(2).State);
    }

    // A peer whose handler stops taking messages holds up its connection: the sender's writes
    // stall, its queue fills to capacity and drops the newest messages instead of growing, the
    // stalled peer is not mistaken for a dead one, and once the handler resumes every accepted
    // message arrives, in order.
    [Fact]
    public async Task A_peer_that_does_not_read_makes_the_sender_drop_instead_of_growing()
    {
        const int Capacity = 1_000;
        TestSilo[] silos = await StartClusterAsync(2, _ => Options(options => options.SendQueueCapacity = Capacity));
        TestSilo one = silos[0], two = silos[1];
        await AllUpAsync(silos);
        two.HoldMessages();

        // 4 KiB messages until the queue refuses some: the socket and pipe buffers in between
        // hold a few megabytes, so this takes a few thousand messages.
        int sent = 0;
        int accepted = 0;
        while (one.Statistics.MessagesDropped < 100)
        {
            Assert.True(sent < 100_000, "the queue never filled");
            if (one.TrySend(2, Message(sent, payloadBytes: 4096)))
            {
                accepted++;
            }

            sent++;
            Assert.True(one.StatusOf(2).QueuedMessages <= Capacity);
            if (sent % 1000 == 0)
            {
                await Task.Yield();
            }
        }

        Assert.Equal(Capacity, one.StatusOf(2).QueuedMessages);
        Assert.Equal(0, two.ReceivedCount);

        // Held for longer than the peer timeout (measured in silo 2's heartbeats, which silo 1
        // keeps hearing), yet both sides still see each other up.
        long heard = one.Statistics.FramesReceived;
        int heartbeatsPerTimeout = (int)(Options().PeerTimeout / Options().HeartbeatInterval);
        await Eventually.HoldsAsync(() => one.Statistics.FramesReceived >= heard + (heartbeatsPerTimeout * 3 / 2), "silo 1 heard silo 2's heartbeats for longer than the peer timeout");
        Assert.Equal(PeerState.Up, one.StatusOf(2).State);
        Assert.Equal(PeerState.Up, two.StatusOf(1).State);
        Assert.Equal(0, two.ReceivedCount);

        two.ReleaseMessages();
        await Eventually.HoldsAsync(() => two.ReceivedCount == accepted, $"all {accepted} accepted messages arrived", TimeSpan.FromSeconds(10));
        IReadOnlyList<TransportMessage> received = two.ReceivedFrom(1);
        Assert.True(received.Zip(received.Skip(1)).All(pair => pair.First.CorrelationId < pair.Second.CorrelationId), "messages arrived out of order");
        Assert.Equal(sent - accepted, one.Statistics.MessagesDropped);
    }

    // Starting on a port another listener holds fails with an error that names the address, and
    // the failed transport still disposes cleanly.
    [Fact]
    public async Task A_port_in_use_fails_the_start_and_names_the_address()
    {
        TestSilo two = await StartAsync(2, [new(new SiloId(1), NeverDialled)], Options());
        var transport = new SiloTransport(
            new SiloEndpoint(new SiloId(1), two.Endpoint), [new(new SiloId(2), two.Endpoint)], Options(),
            (_, _, _) => ValueTask.CompletedTask, _loggerFactory);
        await using (transport)
        {
            IOException error = await Assert.ThrowsAnyAsync<IOException>(() => transport.StartAsync(CancellationToken.None));
            Assert.Contains(two.Endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        }
    }

    private static TransportOptions Options(Action<TransportOptions>? configure = null)
    {
        var options = new TransportOptions
        {
            ClusterName = ClusterName,
            ClusterKey = ClusterKey,
            HeartbeatInterval = TimeSpan.FromMilliseconds(100),
            PeerTimeout = TimeSpan.FromSeconds(1),
            HandshakeTimeout = TimeSpan.FromSeconds(2),
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(20),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
        };
        configure?.Invoke(options);
        return options;
    }

    private static TransportMessage Message(long sequence, int payloadBytes = 16) => new()
    {
        Kind = "test",
        Target = "stream/test",
        CorrelationId = (ulong)sequence,
        Payload = ByteString.CopyFrom(new byte[payloadBytes]),
    };

    private async Task<TestSilo> StartAsync(int id, SiloEndpoint[] peers, TransportOptions options, IPEndPoint? listenOn = null, IMeterFactory? meterFactory = null)
    {
        TestSilo silo = await TestSilo.StartAsync(id, peers, options, _loggerFactory, listenOn, meterFactory);
        _silos.Add(silo);
        return silo;
    }

    private async Task StopAsync(TestSilo silo)
    {
        _silos.Remove(silo);
        await silo.DisposeAsync();
    }

    // Silos 1..count, started highest first so that each knows the bound ports of the silos it dials.
    private async Task<TestSilo[]> StartClusterAsync(int count, Func<int, TransportOptions> options, IMeterFactory? meterFactory = null)
    {
        var started = new Dictionary<int, TestSilo>();
        for (int id = count; id >= 1; id--)
        {
            SiloEndpoint[] peers = [.. Enumerable.Range(1, count).Where(peer => peer != id)
                .Select(peer => new SiloEndpoint(new SiloId(peer), peer > id ? started[peer].Endpoint : NeverDialled))];
            started[id] = await StartAsync(id, peers, options(id), meterFactory: meterFactory);
        }

        return [.. started.OrderBy(pair => pair.Key).Select(pair => pair.Value)];
    }

    private static Task AllUpAsync(IReadOnlyList<TestSilo> silos) =>
        Eventually.HoldsAsync(
            () => silos.All(silo => silos.Where(peer => peer != silo).All(peer => silo.StatusOf(peer.Id.Value).State == PeerState.Up)),
            "every silo sees every other up");

    private static async Task ExchangeAsync(TestSilo a, TestSilo b, int sequence)
    {
        int fromA = b.ReceivedFrom(a.Id.Value).Count;
        int fromB = a.ReceivedFrom(b.Id.Value).Count;
        Assert.True(a.TrySend(b.Id.Value, Message(sequence)));
        Assert.True(b.TrySend(a.Id.Value, Message(sequence + 1)));
        await Eventually.HoldsAsync(
            () => b.ReceivedFrom(a.Id.Value).Count > fromA && a.ReceivedFrom(b.Id.Value).Count > fromB,
            $"silos {a.Id} and {b.Id} exchanged a message");
    }

    private static List<PeerStatus> Drain(System.Threading.Channels.ChannelReader<PeerStatus> changes)
    {
        var drained = new List<PeerStatus>();
        while (changes.TryRead(out PeerStatus? status))
        {
            drained.Add(status);
        }

        return drained;
    }

    private static IPEndPoint ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return (IPEndPoint)socket.LocalEndPoint!;
    }

    private static async Task ExpectClosedAsync(IPEndPoint endpoint, byte[] bytes)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(bytes);
        Assert.True(await ClosedByServerAsync(PipeReader.Create(stream)), $"the server kept open a connection that sent {bytes.Length} bad bytes");
    }

    private static async Task<bool> ClosedByServerAsync(PipeReader input)
    {
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync(timeout.Token);
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return true;
                }
            }
        }
        catch (IOException)
        {
            // A reset is a close too: the server closed with our bytes still unread.
            return true;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return false;
        }
    }
}
