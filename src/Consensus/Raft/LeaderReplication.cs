using System.Collections.Immutable;

namespace Synod.Consensus.Raft;

/// <summary>
/// The leader's sending side of log replication (paper §5.3, §7): AppendEntries within each
/// follower's flow-control state, commit updates, snapshot chunks and heartbeat rounds. It owns no
/// state of its own beyond what it is given; the node decides when to call it.
/// </summary>
internal sealed class LeaderReplication(RaftConfig config, RaftLog log, ProgressTracker progressTracker, ReadIndexTracker reads, List<RaftMessage> outbox)
{
    private readonly RaftConfig _config = config;
    private readonly RaftLog _log = log;
    private readonly ProgressTracker _progress = progressTracker;
    private readonly ReadIndexTracker _reads = reads;
    private readonly List<RaftMessage> _outbox = outbox;

    /// <summary>Sends every follower what it lacks (many entries per message), or a commit update.</summary>
    public void SendToAll(Term term, long now)
    {
        foreach (var progress in _progress.All)
        {
            if (progress.Id == _config.Id)
            {
                continue;
            }

            var before = _outbox.Count;
            while (SendAppend(progress, term, now, sendIfEmpty: false))
            {
            }

            if (_outbox.Count == before && progress.State == ProgressState.Replicate
                && progress.SentCommit < LogIndex.Min(_log.Committed, progress.Match))
            {
                SendCommitUpdate(progress, term);
            }
        }
    }

    // Sends one AppendEntries (or a snapshot chunk) to a follower; returns whether it sent entries
    // and more could follow.
    public bool SendAppend(Progress progress, Term term, long now, bool sendIfEmpty)
    {
        if (progress.IsPaused)
        {
            return false;
        }

        var previousIndex = progress.Next.Previous();
        if (!_log.TryGetTerm(previousIndex, out var previousTerm))
        {
            SendSnapshot(progress, term, now);
            return false;
        }

        var entries = _log.Slice(progress.Next, _config.MaxEntriesPerAppend, _config.MaxBytesPerAppend);
        if (entries.IsEmpty && !sendIfEmpty)
        {
            return false;
        }

        _outbox.Add(new AppendEntries(_config.Id, progress.Id, term, new LogPosition(previousIndex, previousTerm), entries, _log.Committed));
        progress.SentCommit = LogIndex.Min(_log.Committed, entries.IsEmpty ? previousIndex : entries[^1].Index);
        if (progress.State == ProgressState.Replicate)
        {
            if (!entries.IsEmpty)
            {
                progress.SentEntries(entries[^1].Index);
            }
        }
        else
        {
            progress.ProbeSent = true;
        }

        return !entries.IsEmpty && !progress.IsPaused;
    }

    // Tells an up-to-date follower the new commit index, anchored at an index it acknowledged.
    public void SendCommitUpdate(Progress progress, Term term)
    {
        if (_log.TryGetTerm(progress.Match, out var matchTerm))
        {
            _outbox.Add(new AppendEntries(_config.Id, progress.Id, term, new LogPosition(progress.Match, matchTerm), ImmutableArray<Entry>.Empty, _log.Committed));
            progress.SentCommit = LogIndex.Min(_log.Committed, progress.Match);
        }
    }

    private void SendSnapshot(Progress progress, Term term, long now)
    {
        if (progress.State != ProgressState.Snapshot)
        {
            progress.BecomeSnapshot(_log.Snapshot, now);
        }

        SendSnapshotChunk(progress, term, now);
    }

    public void SendSnapshotChunk(Progress progress, Term term, long now)
    {
        var snapshot = progress.SendingSnapshot!;
        var offset = progress.SnapshotOffset;
        var length = (int)Math.Min(_config.MaxSnapshotChunkBytes, snapshot.Data.Length - offset);
        var chunk = snapshot.Data.Slice((int)offset, length);
        var last = offset + length == snapshot.Data.Length;
        progress.SnapshotSentAtTick = now;
        _outbox.Add(new InstallSnapshot(_config.Id, progress.Id, term, snapshot.Metadata, offset, chunk, last));
    }

    public void MaybeRetransmitSnapshotChunk(Progress progress, Term term, long now)
    {
        // A lost chunk or answer would stall the transfer; resend after half an election timeout.
        if (progress.State == ProgressState.Snapshot && now - progress.SnapshotSentAtTick >= Math.Max(2, _config.ElectionTimeoutTicks / 2))
        {
            SendSnapshotChunk(progress, term, now);
        }
    }

    /// <summary>Opens a heartbeat round and sends it to every other member.</summary>
    public void BroadcastHeartbeat(Term term, long now, bool quiesce = false)
    {
        var round = _reads.OpenRound(now);
        var self = _progress.Get(_config.Id);
        if (self is not null)
        {
            self.AckedRound = round;
        }

        foreach (var progress in _progress.All)
        {
            if (progress.Id != _config.Id)
            {
                _outbox.Add(new Heartbeat(_config.Id, progress.Id, term, LogIndex.Min(progress.Match, _log.Committed), round, quiesce));
            }
        }
    }

    public void OnRejected(Progress progress, AppendEntriesResponse m, Term term, long now)
    {
        // The follower's hint names where our logs may agree; skip back to the last entry of ours
        // whose term is not above the hinted one (one round trip per term, not per entry).
        var probe = m.Hint.Index;
        if (m.Hint.Term > Term.Zero)
        {
            probe = _log.FindConflictByTerm(m.Hint.Index, m.Hint.Term).Index;
        }

        if (progress.MaybeDecreaseTo(m.RejectedIndex, probe))
        {
            if (progress.State == ProgressState.Replicate)
            {
                progress.BecomeProbe();
            }

            SendAppend(progress, term, now, sendIfEmpty: true);
        }
    }
}
