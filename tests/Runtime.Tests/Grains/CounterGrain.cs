using Google.Protobuf.WellKnownTypes;
using Synod.Grains.Interfaces;
using Synod.Grains.Interfaces.Streams;

namespace Synod.Runtime.Tests.Grains;

/// <summary>
/// A test grain that records how the runtime drives it: it fails the test (through
/// <see cref="Violations"/>) if two turns ever overlap, answers requests with a running count,
/// collects stream items, counts ticks, opts in and out of ticks on request, and records the peer
/// silo changes it is told of.
/// </summary>
[ImplicitStreamSubscription("counter")]
public sealed class CounterGrain : Grain, IRequestHandler<StringValue, Int64Value>, IStreamConsumer<Int64Value>, ITickable, IPeerSiloObserver
{
    private int _inTurn;
    private long _count;

    public static TimeSpan TickDuration { get; set; } = TimeSpan.Zero;

    public int Activations { get; private set; }

    public int Deactivations { get; private set; }

    public int Violations { get; private set; }

    public int Ticks { get; private set; }

    public List<long> Items { get; } = [];

    public List<(int Silo, bool IsUp)> PeerChanges { get; } = [];

    public long LastCountBeforeDeactivation { get; private set; }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Activations++;
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(CancellationToken cancellationToken)
    {
        Deactivations++;
        LastCountBeforeDeactivation = _count;
        return Task.CompletedTask;
    }

    public async Task<Int64Value> HandleAsync(StringValue request, CancellationToken cancellationToken)
    {
        Enter();
        try
        {
            if (request.Value == "fail")
            {
                throw new InvalidOperationException("asked to fail");
            }

            if (request.Value == "retire")
            {
                Context.DeactivateOnIdle();
            }

            if (request.Value is "stop-ticking" or "start-ticking")
            {
                Context.SetTicking(request.Value == "start-ticking");
            }

            // Awaiting inside a turn must not let another turn in.
            await Task.Yield();
            await Task.Delay(request.Value == "slow" ? 2 : 0, cancellationToken);
            return new Int64Value { Value = ++_count };
        }
        finally
        {
            Leave();
        }
    }

    public async Task OnNextAsync(StreamId stream, Int64Value item, CancellationToken cancellationToken)
    {
        Enter();
        await Task.Yield();
        Items.Add(item.Value);
        Leave();
    }

    public async Task OnTickAsync(CancellationToken cancellationToken)
    {
        Enter();
        Ticks++;
        if (TickDuration > TimeSpan.Zero)
        {
            await Task.Delay(TickDuration, cancellationToken);
        }

        Leave();
    }

    public Task OnPeerSiloChangedAsync(int silo, bool isUp, CancellationToken cancellationToken)
    {
        Enter();
        PeerChanges.Add((silo, isUp));
        Leave();
        return Task.CompletedTask;
    }

    private void Enter()
    {
        if (Interlocked.Increment(ref _inTurn) != 1)
        {
            Violations++;
        }
    }

    private void Leave() => Interlocked.Decrement(ref _inTurn);
}
