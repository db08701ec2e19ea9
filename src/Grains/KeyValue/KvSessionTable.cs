using Google.Protobuf;
using Synod.Consensus;
using Synod.Consensus.Raft;

namespace Synod.Grains.KeyValue;

/// <summary>
/// The live client sessions, at most MaxSessions of them, with their order of last use. Eviction
/// and expiry follow log indexes only, so every replica evicts the same sessions at the same entry.
/// </summary>
internal sealed class KvSessionTable(int maxSessions)
{
    private readonly Dictionary<ByteString, KvSession> _byClientId = new(ByteStringComparer.Instance);

    // Invariant: the same sessions as _byClientId, each keyed by its LastAppliedIndex; the first is
    // the least recently used.
    private readonly SortedDictionary<LogIndex, KvSession> _byLastApplied = [];

    // Invariant: Count <= _maxSessions.
    private readonly int _maxSessions = maxSessions;

    public int Count => _byClientId.Count;

    public KvSession? Find(ByteString clientId) => _byClientId.GetValueOrDefault(clientId);

    /// <summary>
    /// Opens a session at <paramref name="index"/>, evicting the least recently used one if the
    /// table is full; a live session is only marked used, so a retried registration changes nothing
    /// else. Returns the evicted session, if any.
    /// </summary>
    public KvSession? Register(ByteString clientId, LogIndex index)
    {
        if (_byClientId.TryGetValue(clientId, out var live))
        {
            MarkUsed(live, index);
            return null;
        }

        KvSession? evicted = null;
        if (_byClientId.Count == _maxSessions)
        {
            evicted = _byLastApplied.First().Value;
            Remove(evicted);
        }

        Add(new KvSession(clientId, index));
        return evicted;
    }

    public void RecordApplied(KvSession session, ulong sequence, KvResult result, LogIndex index)
    {
        session.RecordApplied(sequence, result);
        if (session.LastAppliedIndex != index || sequence != 1)
        {
            // A session opened by this same entry (open_session on request 1) is already marked at it.
            MarkUsed(session, index);
        }
    }

    /// <summary>Ends every session last used below <paramref name="idleBefore"/>; returns how many.</summary>
    public int ExpireIdleBefore(LogIndex idleBefore)
    {
        var idle = _byLastApplied.Values.TakeWhile(s => s.LastAppliedIndex < idleBefore).ToList();
        foreach (var session in idle)
        {
            Remove(session);
        }

        return idle.Count;
    }

    /// <summary>Adds a session read from a snapshot; the reader has checked order and limits.</summary>
    public void AddRestored(KvSession session) => Add(session);

    public IEnumerable<KvSession> OrderedByClientId() =>
        _byClientId.Values.OrderBy(s => s.ClientId, ByteStringComparer.Instance);

    public bool SameAs(KvSessionTable other, out string difference)
    {
        difference = "";
        if (Count != other.Count)
        {
            difference = "session count " + Count + " != " + other.Count;
            return false;
        }

        foreach (var session in OrderedByClientId())
        {
            var theirs = other.Find(session.ClientId);
            if (theirs is null || !session.SameAs(theirs))
            {
                difference = session + " != " + (theirs?.ToString() ?? "no session");
                return false;
            }
        }

        return true;
    }

    private void MarkUsed(KvSession session, LogIndex index)
    {
        Invariant.Holds(index > session.LastAppliedIndex, "index " + index + ", last applied " + session.LastAppliedIndex);
        Invariant.Holds(_byLastApplied.Remove(session.LastAppliedIndex));
        session.LastAppliedIndex = index;
        Invariant.Holds(_byLastApplied.TryAdd(index, session), "two sessions used at index " + index);
    }

    private void Add(KvSession session)
    {
        Invariant.Holds(_byClientId.Count < _maxSessions, "sessions " + _byClientId.Count + ", max " + _maxSessions);
        Invariant.Holds(_byClientId.TryAdd(session.ClientId, session), "duplicate " + session);
        Invariant.Holds(_byLastApplied.TryAdd(session.LastAppliedIndex, session), "two sessions used at index " + session.LastAppliedIndex);
    }

    private void Remove(KvSession session)
    {
        Invariant.Holds(_byClientId.Remove(session.ClientId));
        Invariant.Holds(_byLastApplied.Remove(session.LastAppliedIndex));
    }
}
