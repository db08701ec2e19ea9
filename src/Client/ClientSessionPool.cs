using System.Collections.Concurrent;

namespace Synod.Client;

/// <summary>
/// Idle sessions for writes. An operation rents one, numbers its request from it, and returns it
/// when the operation ends, so concurrent writes never share a session. The pool never holds more
/// than <see cref="SynodClientOptions.MaxConcurrentRequests"/>: a session is rented only inside one
/// of the client's bounded in-flight slots.
/// </summary>
internal sealed class ClientSessionPool
{
    private readonly ConcurrentBag<ClientSession> _idle = [];

    public ClientSession Rent() => _idle.TryTake(out var session) ? session : ClientSession.CreateRandom();

    public void Return(ClientSession session)
    {
        // A session the cluster has forgotten must not be used again: a new id is the only safe way on.
        if (!session.Expired)
        {
            _idle.Add(session);
        }
    }
}
