using System.Net;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging.Abstractions;
using Synod.Grains.Interfaces;
using Synod.Grains.Interfaces.Streams;
using Synod.Runtime.Grains;
using Synod.Runtime.Transport;
using Synod.Runtime.Tests.Transport;

namespace Synod.Runtime.Tests.Grains;

/// <summary>Issue 6 in the runtime: ticks are opt-out per activation, stream items to one silo are coalesced, and grains hear of peer silos going down.</summary>
public sealed class QuietAndCoalescingTests
{
    private static readonly IPEndPoint NeverDialled = new(IPAddress.Loopback, 9);

    [Fact]
    public async Task An_activation_that_opts_out_of_ticks_gets_none_until_it_opts_back_in()
    {
        // Proves SetTicking(false) removes an activation from the timer (while another keeps ticking) and SetTicking(true) brings it back.
        await using var runtime = new SiloRuntime(new GrainTypeRegistry().Add("counter", _ => new CounterGrain()), new RuntimeOptions { TickInterval = TimeSpan.FromMilliseconds(2) });
        var quiet = (CounterGrain)runtime.GetOrActivate(GrainId.Create("counter", "quiet"));
        var clock = (CounterGrain)runtime.GetOrActivate(GrainId.Create("counter", "clock"));
        runtime.Start();
        await Eventually.HoldsAsync(() => quiet.Ticks >= 3, "the grain ticks");

        await runtime.GetGrain(quiet.Id).InvokeAsync<StringValue, Int64Value>(new StringValue { Value = "stop-ticking" });
        Assert.Equal(1, runtime.TickingActivationCount);

        // A tick queued before the opt-out may still run; none after it. The other grain is the clock.
        int ticksAtOptOut = quiet.Ticks;
        int clockAtOptOut = clock.Ticks;
        await Eventually.HoldsAsync(() => clock.Ticks >= clockAtOptOut + 50, "fifty more timer periods pass");
        Assert.InRange(quiet.Ticks, ticksAtOptOut, ticksAtOptOut + 1);

        await runtime.GetGrain(quiet.Id).InvokeAsync<StringValue, Int64Value>(new StringValue { Value = "start-ticking" });
        Assert.Equal(2, runtime.TickingActivationCount);
        int resumedAt = quiet.Ticks;
        await Eventually.HoldsAsync(() => quiet.Ticks >= resumedAt + 3, "the grain ticks again");
        Assert.Equal(0, quiet.Violations);
    }

    [Fact]
    public async Task With_every_activation_quiet_the_silo_timer_is_gone_and_it_returns_when_one_ticks_again()
    {
        // Proves an all-quiet silo holds no periodic timer (a PeriodicTimer fires whether or not anyone waits), and that ticks resume when an activation opts back in.
        var time = new TimerCountingTimeProvider();
        await using var runtime = new SiloRuntime(new GrainTypeRegistry().Add("counter", _ => new CounterGrain()), new RuntimeOptions { TickInterval = TimeSpan.FromMilliseconds(2) }, time);
        var grain = (CounterGrain)runtime.GetOrActivate(GrainId.Create("counter", "only"));
        runtime.Start();
        await Eventually.HoldsAsync(() => grain.Ticks >= 3, "the grain ticks");
        Assert.True(time.LivePeriodicTimers >= 1, "a ticking silo holds its timer");

        await runtime.GetGrain(grain.Id).InvokeAsync<StringValue, Int64Value>(new StringValue { Value = "stop-ticking" });
        Assert.Equal(0, runtime.TickingActivationCount);
        await Eventually.HoldsAsync(() => time.LivePeriodicTimers == 0, "the silo timer is disposed");

        await runtime.GetGrain(grain.Id).InvokeAsync<StringValue, Int64Value>(new StringValue { Value = "start-ticking" });
        int resumedAt = grain.Ticks;
        await Eventually.HoldsAsync(() => grain.Ticks >= resumedAt + 3, "the grain ticks again");
        Assert.Equal(1, time.LivePeriodicTimers);
    }

    [Fact]
    public async Task An_activation_deactivated_twice_at_once_runs_its_deactivation_turn_once_and_both_callers_finish()
    {
        // Proves DeactivateAsync is idempotent: a grain retiring itself while the silo shuts down (two deactivations racing) no longer throws ChannelClosedException from the second, and the grain's OnDeactivateAsync runs once.
        await using var runtime = new SiloRuntime(new GrainTypeRegistry().Add("counter", _ => new CounterGrain()), new RuntimeOptions());
        var grain = (CounterGrain)runtime.GetOrActivate(GrainId.Create("counter", "twice"));
        runtime.Start();
        Activation activation = runtime.ActivationOf(grain.Id)!;

        await Task.WhenAll(Task.Run(activation.DeactivateAsync), Task.Run(activation.DeactivateAsync), activation.DeactivateAsync());

        Assert.Equal(1, grain.Deactivations);
    }

    // The system clock, counting the periodic timers created and not yet disposed.
    private sealed class TimerCountingTimeProvider : TimeProvider
    {
        private int _live;

        public int LivePeriodicTimers => Volatile.Read(ref _live);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            ITimer timer = System.CreateTimer(callback, state, dueTime, period);
            if (period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero)
            {
                return timer;
            }

            Interlocked.Increment(ref _live);
            return new Counted(timer, this);
        }

        private sealed class Counted(ITimer inner, TimerCountingTimeProvider owner) : ITimer
        {
            private int _disposed;

            public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(dueTime, period);

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 0)
                {
                    Interlocked.Decrement(ref owner._live);
                }

                inner.Dispose();
            }

            public async ValueTask DisposeAsync()
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 0)
                {
                    Interlocked.Decrement(ref owner._live);
                }

                await inner.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    [Fact]
    public async Task Stream_items_for_one_silo_share_transport_messages_and_a_dead_peer_is_reported_to_grains()
    {
        // Proves items published to many grains on another silo arrive, in order per stream, in fewer transport messages than items (coalesced), and that a grain implementing IPeerSiloObserver hears the peer's silo go down.
        await using Node receiver = await Node.StartAsync(2, peerEndpoint: null);
        Node sender = await Node.StartAsync(1, receiver.Endpoint);
        try
        {
            const int Streams = 40;
            const int ItemsPerStream = 50;
            await Eventually.HoldsAsync(() => sender.Transport.GetPeerStatus(new SiloId(2)).State == PeerState.Up, "the silos connect");
            for (long i = 1; i <= ItemsPerStream; i++)
            {
                for (int s = 0; s < Streams; s++)
                {
                    Assert.True(await sender.Runtime.GetStream<Int64Value>(new StreamId("counter", $"remote-{s}")).OnNextAsync(new Int64Value { Value = i }));
                }
            }

            CounterGrain[] targets = [.. Enumerable.Range(0, Streams).Select(s => (CounterGrain)receiver.Runtime.GetOrActivate(GrainId.Create("counter", $"remote-{s}")))];
            await Eventually.HoldsAsync(() => targets.All(t => t.Items.Count == ItemsPerStream), "every item arrives");
            Assert.All(targets, t => Assert.Equal(Enumerable.Range(1, ItemsPerStream).Select(i => (long)i), t.Items));
            (long _, long messages, long items) = sender.Runtime.TrafficCounters;
            Assert.Equal(Streams * ItemsPerStream, items);
            Assert.True(messages < items, $"{items} items went out in {messages} messages");

            var observer = (CounterGrain)sender.Runtime.GetOrActivate(GrainId.Create("counter", "local-0"));
            await receiver.DisposeAsync();
            await Eventually.HoldsAsync(() => observer.PeerChanges.Contains((2, false)), "the grain hears that silo 2 went down");
        }
        finally
        {
            await sender.DisposeAsync();
        }
    }

    private sealed class Node : IAsyncDisposable
    {
        private int _disposed;

        private Node(SiloRuntime runtime, SiloTransport transport)
        {
            Runtime = runtime;
            Transport = transport;
        }

        public SiloRuntime Runtime { get; }

        public SiloTransport Transport { get; }

        public IPEndPoint Endpoint => Transport.LocalEndpoint;

        public static async Task<Node> StartAsync(int id, IPEndPoint? peerEndpoint)
        {
            var runtime = new SiloRuntime(new GrainTypeRegistry().Add("counter", _ => new CounterGrain()), new RuntimeOptions { TickInterval = TimeSpan.FromMilliseconds(5) });
            int peer = 3 - id;
            var transport = new SiloTransport(
                new SiloEndpoint(new SiloId(id), new IPEndPoint(IPAddress.Loopback, 0)),
                [new SiloEndpoint(new SiloId(peer), peerEndpoint ?? NeverDialled)],
                new TransportOptions { ClusterKey = "test-cluster-key-0123456789abcdef", HeartbeatInterval = TimeSpan.FromMilliseconds(50), PeerTimeout = TimeSpan.FromMilliseconds(500) },
                runtime.OnTransportMessageAsync,
                NullLoggerFactory.Instance);

            // Grains named remote-* live on silo 2, the others on silo 1.
            runtime.AttachCluster(new SiloId(id), grain => new SiloId(grain.Key.StartsWith("remote-", StringComparison.Ordinal) ? 2 : 1), transport);
            await transport.StartAsync(CancellationToken.None);
            runtime.Start();
            return new Node(runtime, transport);
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                await Runtime.DisposeAsync();
                await Transport.DisposeAsync();
            }
        }
    }
}
