namespace Synod.Consensus.Raft;

/// <summary>The leader's knowledge of one replica (paper Figure 2's nextIndex/matchIndex, plus flow control).</summary>
internal sealed class Progress
{
    public Progress(ReplicaId id, bool isLearner, LogIndex next, int maxInflight)
    {
        Id = id;
        IsLearner = isLearner;
        Next = next;
        Inflights = new Inflights(maxInflight);
    }

    public ReplicaId Id { get; }

    public bool IsLearner { get; set; }

    // Invariant: Match < Next.
    public LogIndex Match { get; private set; }

    public LogIndex Next { get; private set; }

    public ProgressState State { get; private set; }

    /// <summary>In Probe state, an AppendEntries is outstanding; wait for its answer or a heartbeat.</summary>
    public bool ProbeSent { get; set; }

    public Inflights Inflights { get; }

    /// <summary>Heard from since the last CheckQuorum round.</summary>
    public bool RecentActive { get; set; }

    /// <summary>The commit index the follower can have learned from what we sent it.</summary>
    public LogIndex SentCommit { get; set; }

    /// <summary>Highest heartbeat round this replica acknowledged in the current term.</summary>
    public ulong AckedRound { get; set; }

    /// <summary>The snapshot being sent while in Snapshot state.</summary>
    public Snapshot? SendingSnapshot { get; private set; }

    /// <summary>Bytes of <see cref="SendingSnapshot"/> the follower confirmed.</summary>
    public long SnapshotOffset { get; set; }

    /// <summary>Tick at which the last snapshot chunk was sent, for retransmission.</summary>
    public long SnapshotSentAtTick { get; set; }

    public bool IsPaused => State switch
    {
        ProgressState.Probe => ProbeSent,
        ProgressState.Replicate => Inflights.IsFull,
        _ => true,
    };

    /// <summary>Records an acknowledged match; returns whether it was news.</summary>
    public bool MaybeUpdate(LogIndex match)
    {
        var updated = false;
        if (match > Match)
        {
            Match = match;
            updated = true;
            ProbeSent = false;
        }

        Next = LogIndex.Max(Next, match.Next());
        return updated;
    }

    /// <summary>Optimistically advances Next after sending entries up to <paramref name="last"/> (Replicate state).</summary>
    public void SentEntries(LogIndex last)
    {
        Invariant.Holds(State == ProgressState.Replicate);
        Next = last.Next();
        Inflights.Add(last);
    }

    /// <summary>
    /// Handles a rejection of the AppendEntries whose previous index was <paramref name="rejected"/>;
    /// <paramref name="probeHint"/> is where the logs may agree. Returns false for a stale rejection.
    /// </summary>
    public bool MaybeDecreaseTo(LogIndex rejected, LogIndex probeHint)
    {
        if (State == ProgressState.Replicate)
        {
            // Rejections of indexes we know match are stale (reordered or duplicated messages).
            if (rejected <= Match)
            {
                return false;
            }

            Next = Match.Next();
            return true;
        }

        // In Probe state only the answer to the latest probe counts.
        if (Next.Previous() != rejected)
        {
            return false;
        }

        var next = LogIndex.Max(LogIndex.Min(rejected, probeHint.Next()), Match.Next());
        if (next == Next)
        {
            // No progress is possible (the follower lacks what it acknowledged, which a correct
            // host never allows); wait for the next heartbeat rather than ping-pong.
            return false;
        }

        Next = next;
        ProbeSent = false;
        return true;
    }

    public void BecomeProbe()
    {
        var wasSnapshot = State == ProgressState.Snapshot ? SendingSnapshot : null;
        State = ProgressState.Probe;
        ProbeSent = false;
        Inflights.Reset();
        SendingSnapshot = null;
        Next = wasSnapshot is null ? Match.Next() : LogIndex.Max(Match, wasSnapshot.Metadata.Index).Next();
    }

    public void BecomeReplicate()
    {
        State = ProgressState.Replicate;
        ProbeSent = false;
        Inflights.Reset();
        SendingSnapshot = null;
        Next = Match.Next();
    }

    public void BecomeSnapshot(Snapshot snapshot, long nowTick)
    {
        State = ProgressState.Snapshot;
        ProbeSent = false;
        Inflights.Reset();
        SendingSnapshot = snapshot;
        SnapshotOffset = 0;
        SnapshotSentAtTick = nowTick;
    }

    public override string ToString() => $"{Id}:{State} match={Match} next={Next}{(IsLearner ? " learner" : "")}";
}
