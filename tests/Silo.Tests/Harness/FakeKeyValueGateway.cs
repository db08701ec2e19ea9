using System.Collections.Concurrent;
using Synod.Silo.Gateway;

namespace Synod.Silo.Tests.Harness;

/// <summary>
/// An in-memory <see cref="IKeyValueGateway"/>: a dictionary with a log index, exactly-once by
/// request id (a repeated id gets the saved outcome, like the state machine's sessions), and
/// knobs to fail, stall or throw on the next calls. Thread-safe.
/// </summary>
internal sealed class FakeKeyValueGateway : IKeyValueGateway
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, byte[]> _data = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KeyValueOutcome> _saved = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ulong> _highestTokens = new(StringComparer.Ordinal);
    private ulong _index;
    private int _failuresLeft;
    private KeyValueOutcomeKind _failure;
    private bool _failAfterApply;
    private Exception? _throwNext;
    private TimeSpan _stallNext;

    /// <summary>Every call, in arrival order: operation, key, request id.</summary>
    public ConcurrentQueue<(string Operation, string Key, string? RequestId)> Calls { get; } = new();

    /// <summary>Every fence a write carried, in arrival order.</summary>
    public ConcurrentQueue<KeyValueFence> Fences { get; } = new();

    /// <summary>How many writes changed the data (a deduplicated retry does not count).</summary>
    public int Applied { get; private set; }

    public ClusterStatus Status { get; set; } = new(
        "1",
        [new SiloStatus("1", "http://127.0.0.1:8081", true), new SiloStatus("2", "http://127.0.0.1:8082", false)],
        [new GroupStatus("kv-0", "raft", [
            new ReplicaStatus(1, "1", "leader", 3, 1, 42, 41),
            new ReplicaStatus(2, "2", "follower", 3, 1, 40, 40),
        ])]);

    /// <summary>The next <paramref name="count"/> calls answer <paramref name="kind"/>; after applying the write first when <paramref name="afterApply"/>.</summary>
    public void FailNext(int count, KeyValueOutcomeKind kind = KeyValueOutcomeKind.Unavailable, bool afterApply = false)
    {
        lock (_lock)
        {
            (_failuresLeft, _failure, _failAfterApply) = (count, kind, afterApply);
        }
    }

    public void ThrowNext(Exception exception)
    {
        lock (_lock)
        {
            _throwNext = exception;
        }
    }

    /// <summary>The next call waits this long (or until the request is aborted) before answering.</summary>
    public void StallNext(TimeSpan delay)
    {
        lock (_lock)
        {
            _stallNext = delay;
        }
    }

    public byte[]? Peek(string key)
    {
        lock (_lock)
        {
            return _data.TryGetValue(key, out var value) ? value : null;
        }
    }

    public Task<KeyValueOutcome> GetAsync(string key, CancellationToken cancellationToken) =>
        RunAsync("get", key, null, null, () => _data.TryGetValue(key, out var value)
            ? new KeyValueOutcome(KeyValueOutcomeKind.Ok, value, Index: _index)
            : new KeyValueOutcome(KeyValueOutcomeKind.NotFound), cancellationToken);

    public Task<KeyValueOutcome> PutAsync(string key, ReadOnlyMemory<byte> value, string? requestId, KeyValueFence? fence, CancellationToken cancellationToken) =>
        RunAsync("put", key, requestId, fence, () =>
        {
            _data[key] = value.ToArray();
            return Write();
        }, cancellationToken);

    public Task<KeyValueOutcome> DeleteAsync(string key, string? requestId, KeyValueFence? fence, CancellationToken cancellationToken) =>
        RunAsync("delete", key, requestId, fence, () => _data.Remove(key) ? Write() : new KeyValueOutcome(KeyValueOutcomeKind.NotFound), cancellationToken);

    public Task<KeyValueOutcome> CompareAndSetAsync(string key, ReadOnlyMemory<byte>? expected, ReadOnlyMemory<byte>? replacement, string? requestId, KeyValueFence? fence, CancellationToken cancellationToken) =>
        RunAsync("cas", key, requestId, fence, () =>
        {
            var current = _data.TryGetValue(key, out var value) ? value : null;
            var matches = expected is null ? current is null : current is not null && current.AsSpan().SequenceEqual(expected.Value.Span);
            if (!matches)
            {
                // Spelled out: a null byte[] (even a null literal beside a ReadOnlyMemory) converts to an empty, non-null value.
                return new KeyValueOutcome(KeyValueOutcomeKind.CasMismatch, current is null ? default(ReadOnlyMemory<byte>?) : new ReadOnlyMemory<byte>(current));
            }

            if (replacement is null)
            {
                _data.Remove(key);
            }
            else
            {
                _data[key] = replacement.Value.ToArray();
            }

            return Write();
        }, cancellationToken);

    public async Task<ClusterStatus> StatusAsync(CancellationToken cancellationToken)
    {
        await BeforeAsync("status", "", null, cancellationToken);
        return Status;
    }

    // Like the state machine's fence table: a lower token is refused, an equal or higher one passes and is kept.
    private KeyValueOutcome? Fenced(KeyValueFence? fence)
    {
        if (fence is null)
        {
            return null;
        }

        if (_highestTokens.TryGetValue(fence.LockName, out var highest) && fence.Token < highest)
        {
            return new KeyValueOutcome(KeyValueOutcomeKind.Fenced, Message: "fake fenced");
        }

        _highestTokens[fence.LockName] = fence.Token;
        return null;
    }

    private KeyValueOutcome Write()
    {
        Applied++;
        return new KeyValueOutcome(KeyValueOutcomeKind.Ok, Index: ++_index);
    }

    private async Task<KeyValueOutcome> RunAsync(string operation, string key, string? requestId, KeyValueFence? fence, Func<KeyValueOutcome> apply, CancellationToken cancellationToken)
    {
        if (fence is not null)
        {
            Fences.Enqueue(fence);
        }

        var failure = await BeforeAsync(operation, key, requestId, cancellationToken);
        lock (_lock)
        {
            if (failure is { } kind && !_failAfterApply)
            {
                return new KeyValueOutcome(kind, Message: $"fake {kind}");
            }

            if (requestId is null || !_saved.TryGetValue(requestId, out var outcome))
            {
                outcome = Fenced(fence) ?? apply();
                if (requestId is not null)
                {
                    _saved[requestId] = outcome;
                }
            }

            return failure is { } after ? new KeyValueOutcome(after, Message: $"fake {after} after applying") : outcome;
        }
    }

    private async Task<KeyValueOutcomeKind?> BeforeAsync(string operation, string key, string? requestId, CancellationToken cancellationToken)
    {
        Calls.Enqueue((operation, key, requestId));
        TimeSpan stall;
        Exception? toThrow;
        KeyValueOutcomeKind? failure = null;
        lock (_lock)
        {
            (stall, _stallNext) = (_stallNext, TimeSpan.Zero);
            (toThrow, _throwNext) = (_throwNext, null);
            if (_failuresLeft > 0)
            {
                _failuresLeft--;
                failure = _failure;
            }
        }

        if (stall > TimeSpan.Zero)
        {
            await Task.Delay(stall, cancellationToken);
        }

        return toThrow is null ? failure : throw toThrow;
    }
}
