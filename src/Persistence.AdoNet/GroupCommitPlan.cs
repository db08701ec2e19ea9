namespace Synod.Persistence.AdoNet;

/// <summary>Everything one transaction writes: a plan per replica, in the order replicas first appeared.</summary>
internal sealed class GroupCommitPlan
{
    private readonly Dictionary<long, ReplicaPlan> _byRowId = [];

    public List<ReplicaPlan> Replicas { get; } = [];

    public int RecordCount { get; private set; }

    public ReplicaPlan For(ReplicaEntry replica)
    {
        if (!_byRowId.TryGetValue(replica.RowId, out ReplicaPlan? plan))
        {
            plan = new ReplicaPlan(replica);
            _byRowId.Add(replica.RowId, plan);
            Replicas.Add(plan);
        }

        return plan;
    }

    /// <summary>Call once every batch is added; counts the records that will be inserted.</summary>
    public void Seal()
    {
        int records = 0;
        foreach (ReplicaPlan plan in Replicas)
        {
            records += plan.Records.Count;
        }

        RecordCount = records;
    }
}
