namespace Synod.Consensus.Raft;

/// <summary>The outcome of a (pre-)campaign so far.</summary>
internal enum ElectionOutcome : byte
{
    Pending = 0,
    Won,
    Lost,
}

/// <summary>
/// Votes received in one campaign, counted against the current voters only (a removed or learner
/// replica's answer never counts). Won at a quorum of grants, lost at a quorum of refusals.
/// </summary>
internal sealed class VoteTally
{
    private readonly Dictionary<ReplicaId, bool> _votes = [];

    public bool HasAnswered(ReplicaId voter) => _votes.ContainsKey(voter);

    public void Record(ReplicaId voter, bool granted) => _votes[voter] = granted;

    public void Clear() => _votes.Clear();

    public ElectionOutcome Outcome(Membership membership)
    {
        var granted = 0;
        var rejected = 0;
        foreach (var (voter, vote) in _votes)
        {
            if (membership.IsVoter(voter))
            {
                granted += vote ? 1 : 0;
                rejected += vote ? 0 : 1;
            }
        }

        return granted >= membership.Quorum ? ElectionOutcome.Won
            : rejected >= membership.Quorum ? ElectionOutcome.Lost
            : ElectionOutcome.Pending;
    }
}
