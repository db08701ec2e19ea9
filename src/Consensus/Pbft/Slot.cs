namespace Synod.Consensus.Pbft;

/// <summary>What one replica knows about one sequence number in the current view.</summary>
internal sealed class Slot
{
    public PrePrepare? PrePrepare { get; set; }

    /// <summary>At most one prepare and one commit per replica per view: the first one counts.</summary>
    public Dictionary<ReplicaIndex, Prepare> Prepares { get; } = [];

    public Dictionary<ReplicaIndex, Commit> Commits { get; } = [];

    /// <summary>The highest-view prepared certificate this replica holds for the sequence number; survives view changes.</summary>
    public PreparedCertificate? Certificate { get; set; }

    public bool CommitSent { get; set; }

    /// <summary>Committed-local: the digest that is decided at this sequence number.</summary>
    public Digest? CommittedDigest { get; set; }

    public System.Collections.Immutable.ImmutableArray<ClientRequest> CommittedBatch { get; set; }

    /// <summary>Forget the agreement messages of an older view, keeping what outlives views.</summary>
    public void ResetForView()
    {
        PrePrepare = null;
        Prepares.Clear();
        Commits.Clear();
        CommitSent = false;
    }
}
