using Synod.Consensus.Raft;

namespace Synod.Grains.Telemetry;

/// <summary>
/// What one Raft replica shows its silo's instruments: a small snapshot the replica writes at the
/// end of each pump (its only writer, one turn at a time) and the meter's callbacks read from any
/// thread, without locks and without touching the core.
/// </summary>
public sealed class RaftReplicaGauges
{
    private static readonly FollowerLags NoLags = new([], [], []);

    private long _isLeader;
    private long _leaderPresent;
    private long _term;
    private long _commit;
    private long _applied;
    private long _lastIndex;
    private long _proposals;
    private long _commits;
    private long _leaderChanges;
    private long _campaigns;
    private long _misaddressed;
    private long _staleTerm;
    private long _malformed;
    private long _unexpected;
    private long _undecodable;
    private FollowerLags _lags = NoLags;
    private bool _wasLeader;

    internal RaftReplicaGauges(string group, ulong replica, KeyValuePair<string, object?> silo)
    {
        Group = group;
        Replica = replica;
        Tags = [new("group", group), new("replica", replica), new("protocol", "raft"), silo];
    }

    /// <summary>The replica's group.</summary>
    public string Group { get; }

    /// <summary>The replica's id in its group.</summary>
    public ulong Replica { get; }

    /// <summary>1 while this replica leads its group, else 0.</summary>
    public long IsLeader => Volatile.Read(ref _isLeader);

    /// <summary>1 while this replica knows a leader of its current term (itself included), else 0.</summary>
    public long LeaderPresent => Volatile.Read(ref _leaderPresent);

    /// <summary>The replica's current term.</summary>
    public long Term => Volatile.Read(ref _term);

    /// <summary>The highest log index known committed.</summary>
    public long CommitIndex => Volatile.Read(ref _commit);

    /// <summary>The highest log index applied to the state machine.</summary>
    public long AppliedIndex => Volatile.Read(ref _applied);

    /// <summary>The replica's last log index.</summary>
    public long LastIndex => Volatile.Read(ref _lastIndex);

    /// <summary>Proposals this replica accepted as leader since it was activated.</summary>
    public long Proposals => Volatile.Read(ref _proposals);

    /// <summary>Committed entries this replica applied since it was activated.</summary>
    public long Commits => Volatile.Read(ref _commits);

    /// <summary>Times this replica became leader; over a group's replicas, the group's leader changes.</summary>
    public long LeaderChanges => Volatile.Read(ref _leaderChanges);

    /// <summary>Elections this replica started (pre-vote or real).</summary>
    public long Campaigns => Volatile.Read(ref _campaigns);

    internal KeyValuePair<string, object?>[] Tags { get; }

    internal FollowerLags Lags => Volatile.Read(ref _lags);

    internal long Misaddressed => Volatile.Read(ref _misaddressed);

    internal long StaleTerm => Volatile.Read(ref _staleTerm);

    internal long Malformed => Volatile.Read(ref _malformed);

    internal long Unexpected => Volatile.Read(ref _unexpected);

    internal long Undecodable => Volatile.Read(ref _undecodable);

    internal void Proposed() => Volatile.Write(ref _proposals, _proposals + 1);

    internal void Applied(int entries) => Volatile.Write(ref _commits, _commits + entries);

    internal void Rejected() => Volatile.Write(ref _undecodable, _undecodable + 1);

    /// <summary>Copies the core's figures; called by the replica's own turn at the end of each pump.</summary>
    internal void Publish(RaftNode node)
    {
        bool leader = node.Role == RaftRole.Leader;
        if (leader && !_wasLeader)
        {
            Volatile.Write(ref _leaderChanges, _leaderChanges + 1);
        }

        _wasLeader = leader;
        Volatile.Write(ref _isLeader, leader ? 1 : 0);
        Volatile.Write(ref _leaderPresent, node.Leader.IsNone ? 0 : 1);
        Volatile.Write(ref _term, (long)node.Term.Value);
        Volatile.Write(ref _commit, (long)node.CommitIndex.Value);
        Volatile.Write(ref _applied, (long)node.AppliedIndex.Value);
        long last = (long)node.LastPosition.Index.Value;
        Volatile.Write(ref _lastIndex, last);
        RaftCounters counters = node.Counters;
        Volatile.Write(ref _campaigns, counters.Campaigns);
        Volatile.Write(ref _misaddressed, counters.MisaddressedMessages);
        Volatile.Write(ref _staleTerm, counters.StaleTermMessages);
        Volatile.Write(ref _malformed, counters.MalformedMessages);
        Volatile.Write(ref _unexpected, counters.UnexpectedMessages);
        PublishLags(node, last);
    }

    // Leader-side lag per follower (last index − match). The set of followers is rebuilt (with its
    // tags) only when it changes; otherwise only the values are written.
    private void PublishLags(RaftNode node, long last)
    {
        int tracked = node.ProgressCount;
        if (tracked == 0)
        {
            Volatile.Write(ref _lags, NoLags);
            return;
        }

        FollowerLags lags = _lags;
        if (!lags.Matches(node))
        {
            var ids = new List<ulong>(tracked);
            for (int i = 0; i < tracked; i++)
            {
                ReplicaId id = node.GetMatch(i).Id;
                if (id != node.Id)
                {
                    ids.Add(id.Value);
                }
            }

            KeyValuePair<string, object?>[][] tags = [.. ids.Select(id => (KeyValuePair<string, object?>[])[.. Tags, new("follower", id)])];
            lags = new FollowerLags([.. ids], tags, new long[ids.Count]);
        }

        int slot = 0;
        for (int i = 0; i < tracked; i++)
        {
            (ReplicaId id, LogIndex match) = node.GetMatch(i);
            if (id != node.Id)
            {
                Volatile.Write(ref lags.Values[slot++], Math.Max(0, last - (long)match.Value));
            }
        }

        Volatile.Write(ref _lags, lags);
    }

    /// <summary>The followers a leader tracks, their tags, and their lags (written by the replica, read by callbacks).</summary>
    internal sealed record FollowerLags(ulong[] Followers, KeyValuePair<string, object?>[][] Tags, long[] Values)
    {
        public bool Matches(RaftNode node)
        {
            int slot = 0;
            for (int i = 0; i < node.ProgressCount; i++)
            {
                ReplicaId id = node.GetMatch(i).Id;
                if (id == node.Id)
                {
                    continue;
                }

                if (slot >= Followers.Length || Followers[slot] != id.Value)
                {
                    return false;
                }

                slot++;
            }

            return slot == Followers.Length;
        }
    }
}
