namespace Synod.Consensus.Raft;

/// <summary>
/// The AppendEntries messages sent to one follower and not yet acknowledged, as the last index each
/// carried: a bounded window so that a slow follower cannot make the leader buffer without limit.
/// </summary>
internal sealed class Inflights
{
    private readonly LogIndex[] _ring;
    private int _start;

    public Inflights(int capacity) => _ring = new LogIndex[capacity];

    public int Count { get; private set; }

    public bool IsFull => Count == _ring.Length;

    public void Add(LogIndex lastIndex)
    {
        Invariant.Holds(!IsFull, "inflight window overflow");
        _ring[(_start + Count) % _ring.Length] = lastIndex;
        Count++;
    }

    /// <summary>Releases every message whose entries are all acknowledged by <paramref name="match"/>.</summary>
    public void FreeUpTo(LogIndex match)
    {
        while (Count > 0 && _ring[_start] <= match)
        {
            _start = (_start + 1) % _ring.Length;
            Count--;
        }
    }

    public void FreeFirst()
    {
        if (Count > 0)
        {
            _start = (_start + 1) % _ring.Length;
            Count--;
        }
    }

    public void Reset()
    {
        _start = 0;
        Count = 0;
    }
}
