namespace Synod.Consensus.Raft;

/// <summary>
/// The leader's progress for every member of the current membership, and the quorum arithmetic
/// over it: the commit point, the quorum-acknowledged read round, and CheckQuorum activity.
/// </summary>
internal sealed class ProgressTracker
{
    private readonly List<Progress> _all = [];
    private readonly int _maxInflight;
    private ulong[] _scratch = new ulong[8];

    public ProgressTracker(int maxInflight) => _maxInflight = maxInflight;

    public Membership Membership { get; private set; } = Membership.Empty;

    /// <summary>Every member in id order (voters and learners).</summary>
    public IReadOnlyList<Progress> All => _all;

    public Progress? Get(ReplicaId id)
    {
        foreach (var progress in _all)
        {
            if (progress.Id == id)
            {
                return progress;
            }
        }

        return null;
    }

    /// <summary>Replaces the progress set, starting every member afresh at <paramref name="next"/>.</summary>
    public void Reset(Membership membership, LogIndex next)
    {
        _all.Clear();
        Membership = Membership.Empty;
        Update(membership, next);
    }

    /// <summary>Follows a membership change, keeping the progress of members that remain.</summary>
    public void Update(Membership membership, LogIndex nextForNewMembers)
    {
        _all.RemoveAll(p => !membership.Contains(p.Id));
        foreach (var id in membership.All)
        {
            var existing = Get(id);
            if (existing is null)
            {
                _all.Add(new Progress(id, membership.IsLearner(id), nextForNewMembers, _maxInflight) { RecentActive = true });
            }
            else
            {
                existing.IsLearner = membership.IsLearner(id);
            }
        }

        _all.Sort((a, b) => a.Id.CompareTo(b.Id));
        Membership = membership;
    }

    /// <summary>The highest index a quorum of voters has matched.</summary>
    public LogIndex QuorumMatch() => new(QuorumValue(p => p.Match.Value));

    /// <summary>The highest read round a quorum of voters has acknowledged.</summary>
    public ulong QuorumAckedRound() => QuorumValue(p => p.AckedRound);

    /// <summary>Whether a quorum of voters was heard from since the last reset of activity.</summary>
    public bool QuorumActive(ReplicaId self)
    {
        var active = 0;
        foreach (var progress in _all)
        {
            if (!progress.IsLearner && (progress.RecentActive || progress.Id == self))
            {
                active++;
            }
        }

        return active >= Membership.Quorum;
    }

    public void ResetActivity(ReplicaId self)
    {
        foreach (var progress in _all)
        {
            progress.RecentActive = progress.Id == self;
        }
    }

    private ulong QuorumValue(Func<Progress, ulong> selector)
    {
        var voters = Membership.Voters.Length;
        if (voters == 0)
        {
            return 0;
        }

        if (_scratch.Length < voters)
        {
            _scratch = new ulong[voters];
        }

        var n = 0;
        foreach (var progress in _all)
        {
            if (!progress.IsLearner)
            {
                _scratch[n++] = selector(progress);
            }
        }

        Invariant.Holds(n == voters, "every voter has progress");
        var span = _scratch.AsSpan(0, n);
        span.Sort();

        // Sorted ascending, the value at position n - quorum is held by at least a quorum.
        return span[n - Membership.Quorum];
    }
}
