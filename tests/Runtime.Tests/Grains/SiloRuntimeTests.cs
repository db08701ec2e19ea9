using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Synod.Grains.Interfaces;
using Synod.Grains.Interfaces.Streams;
using Synod.Runtime.Grains;

namespace Synod.Runtime.Tests.Grains;

public sealed class SiloRuntimeTests
{
    private static readonly GrainId Counter = GrainId.Create("counter", "c1");

    private static SiloRuntime NewRuntime(TimeSpan? tick = null, int mailbox = 10_000) =>
        new(new GrainTypeRegistry().Add("counter", _ => new CounterGrain()),
            new RuntimeOptions { TickInterval = tick ?? TimeSpan.FromMilliseconds(5), MailboxCapacity = mailbox });

    [Fact]
    public async Task Concurrent_calls_run_one_turn_at_a_time_even_when_turns_await()
    {
        // Proves single-threaded turns: 300 concurrent calls, each awaiting inside its turn, never overlap and each sees the previous one's effect.
        await using SiloRuntime runtime = NewRuntime();
        IGrainReference grain = runtime.GetGrain(Counter);
        Task<Int64Value>[] calls = [.. Enumerable.Range(0, 300).Select(i => Task.Run(() => grain.InvokeAsync<StringValue, Int64Value>(new StringValue { Value = i % 7 == 0 ? "slow" : "go" })))];
        long[] counts = [.. (await Task.WhenAll(calls)).Select(r => r.Value).Order()];

        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long)i), counts);
        var counter = (CounterGrain)runtime.GetOrActivate(Counter);
        Assert.Equal(0, counter.Violations);
        Assert.Equal(1, counter.Activations);
        Assert.Equal(1, runtime.ActivationCount);
    }

    [Fact]
    public async Task A_failing_request_fails_its_caller_and_the_grain_serves_on()
    {
        // Proves a request's exception reaches its caller and does not break the activation.
        await using SiloRuntime runtime = NewRuntime();
        IGrainReference grain = runtime.GetGrain(Counter);
        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.InvokeAsync<StringValue, Int64Value>(new StringValue { Value = "fail" }));
        Assert.Equal(1, (await grain.InvokeAsync<StringValue, Int64Value>(new StringValue { Value = "go" })).Value);
        Assert.Equal(1, runtime.Counters.Failures);
    }

    [Fact]
    public async Task Stream_items_reach_the_implicitly_subscribed_grain_in_publication_order()
    {
        // Proves implicit subscriptions: items published to (counter, c1) activate grain counter/c1 and arrive in order, as turns that never overlap requests.
        await using SiloRuntime runtime = NewRuntime();
        IAsyncStream<Int64Value> stream = runtime.GetStream<Int64Value>(new StreamId("counter", "c1"));
        Task requests = Task.Run(async () =>
        {
            for (int i = 0; i < 50; i++)
            {
                await runtime.GetGrain(Counter).InvokeAsync<StringValue, Int64Value>(new StringValue { Value = "go" });
            }
        });
        for (long i = 1; i <= 1000; i++)
        {
            Assert.True(await stream.OnNextAsync(new Int64Value { Value = i }));
        }

        await requests;
        var counter = (CounterGrain)runtime.GetOrActivate(Counter);
        await WaitUntilAsync(() => counter.Items.Count == 1000);
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), counter.Items);
        Assert.Equal(0, counter.Violations);
    }

    [Fact]
    public async Task Items_for_a_namespace_nobody_consumes_are_dropped_and_reported()
    {
        // Proves a stream without a consuming grain type answers false instead of throwing or queuing forever.
        await using SiloRuntime runtime = NewRuntime();
        Assert.False(await runtime.GetStream<Int64Value>(new StreamId("nobody", "x")).OnNextAsync(new Int64Value { Value = 1 }));
        Assert.Equal(0, runtime.ActivationCount);
    }

    [Fact]
    public async Task One_timer_ticks_every_activation_and_a_slow_grain_never_piles_up_ticks()
    {
        // Proves the silo timer drives Tick for each activation, and coalesces: a grain whose tick takes 40 ms gets at most one tick per 40 ms, none dropped or queued behind.
        await using SiloRuntime runtime = NewRuntime(TimeSpan.FromMilliseconds(5));
        var fast = (CounterGrain)runtime.GetOrActivate(GrainId.Create("counter", "fast"));
        runtime.Start();
        await WaitUntilAsync(() => fast.Ticks >= 10);

        CounterGrain.TickDuration = TimeSpan.FromMilliseconds(40);
        try
        {
            var slow = (CounterGrain)runtime.GetOrActivate(GrainId.Create("counter", "slow"));
            var clock = Stopwatch.StartNew();
            await WaitUntilAsync(() => slow.Ticks >= 5);
            Assert.True(slow.Ticks <= (clock.ElapsedMilliseconds / 40) + 2, $"{slow.Ticks} ticks in {clock.ElapsedMilliseconds} ms");
            Assert.Equal(0, slow.Violations);
        }
        finally
        {
            CounterGrain.TickDuration = TimeSpan.Zero;
        }

        Assert.Equal(0, runtime.Counters.Dropped);
    }

    [Fact]
    public async Task Disposing_runs_queued_turns_then_each_grain_deactivates_once()
    {
        // Proves graceful shutdown: every queued turn runs before the deactivation turn, which runs exactly once.
        SiloRuntime runtime = NewRuntime();
        IAsyncStream<Int64Value> stream = runtime.GetStream<Int64Value>(new StreamId("counter", "c1"));
        for (long i = 1; i <= 500; i++)
        {
            await stream.OnNextAsync(new Int64Value { Value = i });
        }

        var counter = (CounterGrain)runtime.GetOrActivate(Counter);
        await runtime.DisposeAsync();
        Assert.Equal(500, counter.Items.Count);
        Assert.Equal(1, counter.Deactivations);
        Assert.Throws<ObjectDisposedException>(() => runtime.GetGrain(Counter).InvokeAsync<StringValue, Int64Value>(new StringValue()).GetAwaiter().GetResult());
    }

    [Fact]
    public async Task A_full_mailbox_drops_stream_items_and_counts_them()
    {
        // Proves the mailbox bound: with room for 4 turns and a grain busy in a slow turn, further stream items are refused and counted, not queued without limit.
        await using SiloRuntime runtime = NewRuntime(mailbox: 4);
        IGrainReference grain = runtime.GetGrain(Counter);
        Task slow = grain.InvokeAsync<StringValue, Int64Value>(new StringValue { Value = "slow" });
        IAsyncStream<Int64Value> stream = runtime.GetStream<Int64Value>(new StreamId("counter", "c1"));
        int accepted = 0;
        for (int i = 0; i < 100; i++)
        {
            accepted += await stream.OnNextAsync(new Int64Value { Value = i }) ? 1 : 0;
        }

        await slow;
        Assert.InRange(accepted, 1, 99);
        Assert.Equal(100 - accepted, runtime.Counters.Dropped);
    }

    [Fact]
    public async Task A_grain_that_retires_itself_deactivates_and_its_next_call_gets_a_fresh_activation()
    {
        // Proves DeactivateOnIdle: the retiring instance runs its deactivation turn once, and the next call reaches a new instance with fresh state (how a stopped replica restarts from durable state).
        await using SiloRuntime runtime = NewRuntime();
        IGrainReference grain = runtime.GetGrain(Counter);
        Assert.Equal(1, (await grain.InvokeAsync<StringValue, Int64Value>(new StringValue { Value = "go" })).Value);
        var first = (CounterGrain)runtime.GetOrActivate(Counter);
        Assert.Equal(2, (await grain.InvokeAsync<StringValue, Int64Value>(new StringValue { Value = "retire" })).Value);

        Assert.Equal(1, (await grain.InvokeAsync<StringValue, Int64Value>(new StringValue { Value = "go" })).Value);
        var second = (CounterGrain)runtime.GetOrActivate(Counter);
        Assert.NotSame(first, second);
        await WaitUntilAsync(() => first.Deactivations == 1);
        Assert.Equal(2, first.LastCountBeforeDeactivation);
        Assert.Equal(0, second.Deactivations);
    }

    [Fact]
    public async Task Calling_an_unregistered_grain_type_fails_clearly()
    {
        // Proves a call to a type the silo cannot activate fails with GrainUnavailableException naming the grain.
        await using SiloRuntime runtime = NewRuntime();
        GrainUnavailableException error = await Assert.ThrowsAsync<GrainUnavailableException>(
            () => runtime.GetGrain(GrainId.Create("missing", "m")).InvokeAsync<StringValue, Int64Value>(new StringValue()));
        Assert.Equal("missing/m", error.Grain.ToString());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "condition not reached within 10 s");
            await Task.Delay(5);
        }
    }
}
