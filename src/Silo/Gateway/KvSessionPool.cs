using System.Collections.Concurrent;
using System.Security.Cryptography;
using Google.Protobuf;

namespace Synod.Silo.Gateway;

/// <summary>
/// The gateway's client sessions, per group. The key-value state machine keeps one saved answer
/// per session (thesis §6.3), so a session carries one request at a time; the pool lends a free
/// session, or opens a new one (a fresh random client id, registered through the log), up to a bound.
/// </summary>
internal sealed class KvSessionPool : IDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<KvSession>> _free = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _capacity;

    public KvSessionPool(int maxSessions) => _capacity = new SemaphoreSlim(maxSessions, maxSessions);

    /// <summary>Waits for room, then lends a free session of <paramref name="group"/> or a new, unregistered one.</summary>
    public async Task<KvSession> RentAsync(string group, CancellationToken cancellationToken)
    {
        await _capacity.WaitAsync(cancellationToken).ConfigureAwait(false);
        return _free.GetOrAdd(group, _ => []).TryTake(out KvSession? session)
            ? session
            : new KvSession(group, ByteString.CopyFrom(RandomNumberGenerator.GetBytes(16)));
    }

    public void Dispose() => _capacity.Dispose();

    /// <summary>Returns a session; one that lost its registration is dropped instead.</summary>
    public void Return(KvSession session, bool keep)
    {
        if (keep)
        {
            _free.GetOrAdd(session.Group, _ => []).Add(session);
        }

        _capacity.Release();
    }
}
