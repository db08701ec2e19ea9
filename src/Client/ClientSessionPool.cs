using System.Collections.Concurrent;

namespace Synod.Client;

/// <summary>
/// Idle sessions for writes, kept by the key's group (a session is opened by its request 1 in one
/// group and known only there). An operation rents one, numbers its request from it, and returns it
/// when the operation ends, so concurrent writes never share a session. Each group's pool never
/// holds more than <see cref="SynodClientOptions.MaxConcurrentRequests"/>: a session is rented only
/// inside one of the client's bounded in-flight slots.
/// </summary>
internal sealed class ClientSessionPool
{
    private readonly ConcurrentDictionary<int, ConcurrentBag<ClientSession>> _idle = new();

    /// <param name="group">The key's group in the client's map, or -1 when the map is not known.</param>
    public ClientSession Rent(int group) =>
        _idle.TryGetValue(group, out var idle) && idle.TryTake(out var session) ? session : ClientSession.CreateRandom(group);

    public void Return(ClientSession session)
    {
        // A session the cluster has forgotten must not be used again: a new id is the only safe way on.
        if (!session.Expired)
        {
            _idle.GetOrAdd(session.Group, _ => []).Add(session);
        }
    }
}
