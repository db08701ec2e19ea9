using Google.Protobuf;
using Synod.Consensus;

namespace Synod.Grains.KeyValue;

/// <summary>
/// Per lock name, the highest fencing token a write has carried (issue 6). A write whose token is
/// lower is fenced; an equal one passes; a higher one passes and is recorded. Bounded by
/// <see cref="KvStateMachineConfig.MaxFences"/>: a new lock name past the bound is refused, never
/// evicting another, because forgetting a token would let a stale holder's write through.
/// </summary>
internal sealed class KvFenceTable(int maxFences)
{
    // Invariant: Count <= _maxFences; every token > 0.
    private readonly SortedDictionary<ByteString, ulong> _highest = new(ByteStringComparer.Instance);

    private readonly int _maxFences = maxFences;

    public int Count => _highest.Count;

    public ulong? HighestFor(ByteString lockName) => _highest.TryGetValue(lockName, out var token) ? token : null;

    /// <summary>Checks a write's fence and records a higher token; returns null if the write may go on.</summary>
    public KvResult? Admit(ByteString lockName, ulong token)
    {
        Invariant.Holds(token > 0, "fence token is zero");
        if (_highest.TryGetValue(lockName, out var highest))
        {
            if (token < highest)
            {
                return KvResult.Fenced;
            }

            _highest[lockName] = token;
            return null;
        }

        if (_highest.Count >= _maxFences)
        {
            return KvResult.Rejected(KvRejectReason.FencesFull);
        }

        _highest.Add(lockName, token);
        return null;
    }

    /// <summary>Adds an entry read from a snapshot; the reader has checked order, bound and token.</summary>
    public void AddRestored(ByteString lockName, ulong token)
    {
        Invariant.Holds(_highest.Count < _maxFences, "restored fences exceed " + _maxFences);
        _highest.Add(lockName, token);
    }

    /// <summary>Entries in unsigned byte order of the lock name, as snapshots write them.</summary>
    public IEnumerable<KeyValuePair<ByteString, ulong>> OrderedByLockName() => _highest;

    public bool SameAs(KvFenceTable other, out string difference)
    {
        difference = string.Empty;
        if (_highest.Count != other._highest.Count)
        {
            difference = "fence count " + _highest.Count + " != " + other._highest.Count;
            return false;
        }

        foreach (var (name, token) in _highest)
        {
            if (other.HighestFor(name) != token)
            {
                difference = "fence " + name.ToStringUtf8() + " token " + token + " differs";
                return false;
            }
        }

        return true;
    }
}
