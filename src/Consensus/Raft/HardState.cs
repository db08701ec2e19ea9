namespace Synod.Consensus.Raft;

/// <summary>
/// The state Raft needs on stable storage besides the log (paper Figure 2): the current term and the
/// vote cast in it. <see cref="Commit"/> is a hint that saves re-learning the commit index after a
/// restart; it is never ahead of the persisted log.
/// </summary>
public readonly record struct HardState(Term Term, ReplicaId Vote, LogIndex Commit)
{
    public override string ToString() => $"term={Term} vote={Vote} commit={Commit}";
}
