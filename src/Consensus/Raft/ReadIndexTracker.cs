namespace Synod.Consensus.Raft;

/// <summary>
/// The leader's pending linearizable reads (thesis §6.4). Each read records the commit index when it
/// arrived and the heartbeat round that must be acknowledged by a quorum before it may be served.
/// Every heartbeat broadcast opens a new round, so many reads share one round trip. Also remembers
/// when recent rounds were sent, which is what a lease read needs.
/// </summary>
internal sealed class ReadIndexTracker
{
    private const int RoundHistory = 64;

    private readonly Queue<PendingRead> _pending = new();
    private readonly (ulong Round, long SentAtTick)[] _sentRounds = new (ulong, long)[RoundHistory];

    /// <summary>The last heartbeat round broadcast.</summary>
    public ulong CurrentRound { get; private set; }

    /// <summary>A read waits for a round that has not been broadcast yet.</summary>
    public bool RoundNeeded { get; private set; }

    public int Count => _pending.Count;

    /// <summary>Queues a read whose index is known; it needs the next round.</summary>
    public void Add(ulong context, LogIndex index)
    {
        _pending.Enqueue(new PendingRead(context, index, CurrentRound + 1));
        RoundNeeded = true;
    }

    /// <summary>Queues a read that arrived before the leader committed an entry of its term (thesis §6.4 step 1).</summary>
    public void AddAwaitingTermCommit(ulong context) => _pending.Enqueue(new PendingRead(context, LogIndex.Zero, 0));

    /// <summary>The leader committed its first entry of the term: reads waiting for it take that index.</summary>
    public void AssignIndexToWaiting(LogIndex commit)
    {
        var count = _pending.Count;
        for (var i = 0; i < count; i++)
        {
            var read = _pending.Dequeue();
            if (read.Round == 0)
            {
                read = read with { Index = commit, Round = CurrentRound + 1 };
                RoundNeeded = true;
            }

            _pending.Enqueue(read);
        }
    }

    /// <summary>Opens a new round for a heartbeat broadcast at <paramref name="nowTick"/>.</summary>
    public ulong OpenRound(long nowTick)
    {
        CurrentRound++;
        RoundNeeded = false;
        _sentRounds[CurrentRound % RoundHistory] = (CurrentRound, nowTick);
        return CurrentRound;
    }

    /// <summary>Releases, in arrival order, every read whose round a quorum has acknowledged.</summary>
    public void Release(ulong quorumRound, List<ReadState> into)
    {
        while (_pending.Count > 0)
        {
            var read = _pending.Peek();
            if (read.Round == 0 || read.Round > quorumRound)
            {
                return;
            }

            into.Add(new ReadState(read.Index, read.Context));
            _pending.Dequeue();
        }
    }

    /// <summary>The tick at which <paramref name="round"/> was sent, if it is recent enough to be remembered.</summary>
    public bool TryGetSentTick(ulong round, out long tick)
    {
        var slot = _sentRounds[round % RoundHistory];
        tick = slot.SentAtTick;
        return round != 0 && slot.Round == round;
    }

    /// <summary>Drops every pending read (leadership lost); returns their contexts so the host can fail them.</summary>
    public void Clear(List<ulong> abortedInto)
    {
        foreach (var read in _pending)
        {
            abortedInto.Add(read.Context);
        }

        _pending.Clear();
        RoundNeeded = false;
    }

    private readonly record struct PendingRead(ulong Context, LogIndex Index, ulong Round);
}
