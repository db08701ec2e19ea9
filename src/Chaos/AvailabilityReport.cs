namespace Synod.Chaos;

/// <summary>
/// What the availability scenario measured: the cut (the leader's silo and one follower's, both
/// directions), each gateway's availability during it, and the kv-0 leader and term before, during
/// (every silo's own replica, sampled) and after it.
/// </summary>
public sealed record AvailabilityReport
{
    /// <summary>The silo of kv-0's leader when the cut was installed.</summary>
    public required int LeaderSilo { get; init; }

    /// <summary>The follower's silo cut from the leader's.</summary>
    public required int CutSilo { get; init; }

    /// <summary>kv-0's term when the cut was installed.</summary>
    public required ulong Term { get; init; }

    /// <summary>When the cut was installed and healed, seconds since the run began.</summary>
    public required double CutAt { get; init; }

    /// <summary>When the cut was healed, seconds since the run began.</summary>
    public required double HealedAt { get; init; }

    /// <summary>Per silo gateway, by silo id.</summary>
    public required IReadOnlyList<GatewayAvailability> Gateways { get; init; }

    /// <summary>Status samples taken during the cut and just after it.</summary>
    public required int Samples { get; init; }

    /// <summary>Samples that showed another leader, a leader that was not leading or a grown term (empty: none).</summary>
    public required IReadOnlyList<string> LeadershipChanges { get; init; }

    /// <summary>The same leader and term throughout.</summary>
    public bool LeaderKept => LeadershipChanges.Count == 0;
}
