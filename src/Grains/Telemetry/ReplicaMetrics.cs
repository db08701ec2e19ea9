using System.Diagnostics.Metrics;

namespace Synod.Grains.Telemetry;

/// <summary>
/// The replica instruments of one silo on the <c>Synod</c> meter. Replicas register a snapshot
/// (<see cref="RaftReplicaGauges"/>, <see cref="PbftReplicaGauges"/>) on activation and update it
/// at the end of each pump; the observable instruments read those snapshots when a listener
/// collects — no grain call, no lock on a replica's path. A collection allocates one measurement
/// array per instrument (and the runtime copies each measurement's tags), nothing per replica turn.
/// </summary>
public sealed class ReplicaMetrics : IDisposable
{
    private static readonly string[] RaftRejectReasons = ["misaddressed", "stale_term", "malformed", "unexpected", "undecodable"];

    private readonly Meter? _ownedMeter;
    private readonly KeyValuePair<string, object?> _silo;
    private readonly KeyValuePair<string, object?> _raft;
    private readonly KeyValuePair<string, object?> _pbft;
    private readonly Lock _lock = new();
    private RaftReplicaGauges[] _raftReplicas = [];
    private PbftReplicaGauges[] _pbftReplicas = [];

    /// <summary>Creates the instruments of silo <paramref name="silo"/> (tag <c>silo</c>), on a meter of <paramref name="meterFactory"/> or an own one.</summary>
    public ReplicaMetrics(int silo, IMeterFactory? meterFactory = null)
    {
        Meter meter = meterFactory?.Create(GrainTelemetry.Name) ?? (_ownedMeter = new Meter(GrainTelemetry.Name));
        _silo = new KeyValuePair<string, object?>("silo", silo);
        _raft = new KeyValuePair<string, object?>("protocol", "raft");
        _pbft = new KeyValuePair<string, object?>("protocol", "pbft");

        meter.CreateObservableGauge("synod.raft.leader", () => Raft(g => g.IsLeader), "{leader}", "1 while the replica leads its group, else 0");
        meter.CreateObservableGauge("synod.raft.leader.present", () => Raft(g => g.LeaderPresent), "{leader}", "1 while the replica knows its group's leader, else 0");
        meter.CreateObservableGauge("synod.raft.term", () => Raft(g => g.Term), "{term}", "The replica's current term");
        meter.CreateObservableGauge("synod.raft.commit_index", () => Raft(g => g.CommitIndex), "{entry}", "Highest log index known committed");
        meter.CreateObservableGauge("synod.raft.applied_index", () => Raft(g => g.AppliedIndex), "{entry}", "Highest log index applied to the state machine");
        meter.CreateObservableGauge("synod.raft.last_index", () => Raft(g => g.LastIndex), "{entry}", "The replica's last log index");
        meter.CreateObservableGauge("synod.raft.follower.lag", FollowerLags, "{entry}", "Leader side: the leader's last index minus the follower's match index (tag follower)");
        meter.CreateObservableCounter("synod.raft.proposals", () => Raft(g => g.Proposals), "{proposal}", "Proposals the replica accepted as leader");
        meter.CreateObservableCounter("synod.raft.commits", () => Raft(g => g.Commits), "{entry}", "Committed entries the replica applied");
        meter.CreateObservableCounter("synod.group.leader_changes", () => Raft(g => g.LeaderChanges), "{change}", "Times the replica became leader (summed over a group's replicas: the group's leader changes)");
        meter.CreateObservableCounter("synod.raft.campaigns", () => Raft(g => g.Campaigns), "{election}", "Elections the replica started (pre-vote or real)");
        meter.CreateObservableCounter("synod.raft.messages.rejected", RaftRejected, "{message}", "Peer messages the silo's Raft replicas refused (tag reason)");
        meter.CreateObservableGauge("synod.silo.replicas", Replicas, "{replica}", "Replicas active on the silo (tag protocol)");

        meter.CreateObservableGauge("synod.pbft.view", () => Pbft(g => g.View), "{view}", "The replica's current view");
        meter.CreateObservableGauge("synod.pbft.primary", () => Pbft(g => g.IsPrimary), "{primary}", "1 while the replica is its view's primary, else 0");
        meter.CreateObservableGauge("synod.pbft.view_changing", () => Pbft(g => g.ViewChanging), "{replica}", "1 while the replica is in a view change, else 0");
        meter.CreateObservableGauge("synod.pbft.last_executed", () => Pbft(g => g.LastExecuted), "{sequence}", "Last sequence number executed");
        meter.CreateObservableGauge("synod.pbft.stable_checkpoint", () => Pbft(g => g.StableCheckpoint), "{sequence}", "Sequence number of the last stable checkpoint");
        meter.CreateObservableCounter("synod.pbft.view_changes", () => Pbft(g => g.ViewChanges), "{change}", "View changes the replica started");
        meter.CreateObservableCounter("synod.pbft.requests", () => Pbft(g => g.Requests), "{request}", "Client requests the replica took");
        meter.CreateObservableCounter("synod.pbft.executed", () => Pbft(g => g.Executed), "{request}", "Client requests the replica executed");
        meter.CreateObservableCounter("synod.pbft.messages.rejected", PbftRejected, "{message}", "Messages the silo's PBFT replicas dropped (tag reason: bad_signature, wrong_view, outside_watermarks, …)");

        CommitDuration = meter.CreateHistogram<double>("synod.raft.commit.duration", "s", "At the leader: from a proposal's acceptance to its entry applied");
        ReadyEntries = meter.CreateHistogram<int>("synod.raft.ready.entries", "{entry}", "Log entries persisted per Ready (one store batch)");
        AppendEntries = meter.CreateHistogram<int>("synod.raft.append.entries", "{entry}", "Entries per AppendEntries sent");
    }

    internal Histogram<double> CommitDuration { get; }

    internal Histogram<int> ReadyEntries { get; }

    internal Histogram<int> AppendEntries { get; }

    internal KeyValuePair<string, object?> SiloTag => _silo;

    internal KeyValuePair<string, object?> RaftTag => _raft;

    internal KeyValuePair<string, object?> PbftTag => _pbft;

    /// <summary>The Raft replicas registered now, for tests and the status page.</summary>
    public IReadOnlyList<RaftReplicaGauges> RaftReplicas => Volatile.Read(ref _raftReplicas);

    /// <summary>The PBFT replicas registered now.</summary>
    public IReadOnlyList<PbftReplicaGauges> PbftReplicas => Volatile.Read(ref _pbftReplicas);

    internal RaftReplicaGauges Register(string group, ulong replica)
    {
        var gauges = new RaftReplicaGauges(group, replica, _silo);
        lock (_lock)
        {
            _raftReplicas = [.. _raftReplicas, gauges];
        }

        return gauges;
    }

    internal PbftReplicaGauges RegisterPbft(string group, ulong replica)
    {
        var gauges = new PbftReplicaGauges(group, replica, _silo);
        lock (_lock)
        {
            _pbftReplicas = [.. _pbftReplicas, gauges];
        }

        return gauges;
    }

    internal void Unregister(RaftReplicaGauges gauges)
    {
        lock (_lock)
        {
            _raftReplicas = [.. _raftReplicas.Where(g => !ReferenceEquals(g, gauges))];
        }
    }

    internal void Unregister(PbftReplicaGauges gauges)
    {
        lock (_lock)
        {
            _pbftReplicas = [.. _pbftReplicas.Where(g => !ReferenceEquals(g, gauges))];
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _ownedMeter?.Dispose();

    private Measurement<long>[] Raft(Func<RaftReplicaGauges, long> read)
    {
        RaftReplicaGauges[] replicas = Volatile.Read(ref _raftReplicas);
        var measurements = new Measurement<long>[replicas.Length];
        for (int i = 0; i < replicas.Length; i++)
        {
            measurements[i] = new Measurement<long>(read(replicas[i]), replicas[i].Tags);
        }

        return measurements;
    }

    private Measurement<long>[] Pbft(Func<PbftReplicaGauges, long> read)
    {
        PbftReplicaGauges[] replicas = Volatile.Read(ref _pbftReplicas);
        var measurements = new Measurement<long>[replicas.Length];
        for (int i = 0; i < replicas.Length; i++)
        {
            measurements[i] = new Measurement<long>(read(replicas[i]), replicas[i].Tags);
        }

        return measurements;
    }

    private List<Measurement<long>> FollowerLags()
    {
        RaftReplicaGauges[] replicas = Volatile.Read(ref _raftReplicas);
        var measurements = new List<Measurement<long>>();
        foreach (RaftReplicaGauges replica in replicas)
        {
            RaftReplicaGauges.FollowerLags lags = replica.Lags;
            for (int i = 0; i < lags.Followers.Length; i++)
            {
                measurements.Add(new Measurement<long>(Volatile.Read(ref lags.Values[i]), lags.Tags[i]));
            }
        }

        return measurements;
    }

    // Summed over the silo's replicas: per-replica series for every reason would multiply the
    // series by five for little use; a replica's own refusals are in its log lines.
    private Measurement<long>[] RaftRejected()
    {
        RaftReplicaGauges[] replicas = Volatile.Read(ref _raftReplicas);
        long[] sums = new long[RaftRejectReasons.Length];
        foreach (RaftReplicaGauges replica in replicas)
        {
            sums[0] += replica.Misaddressed;
            sums[1] += replica.StaleTerm;
            sums[2] += replica.Malformed;
            sums[3] += replica.Unexpected;
            sums[4] += replica.Undecodable;
        }

        return [.. sums.Select((sum, i) => new Measurement<long>(sum, _silo, _raft, new("reason", RaftRejectReasons[i])))];
    }

    private Measurement<long>[] PbftRejected()
    {
        PbftReplicaGauges[] replicas = Volatile.Read(ref _pbftReplicas);
        long[] sums = new long[PbftReplicaGauges.RejectReasons.Length];
        foreach (PbftReplicaGauges replica in replicas)
        {
            for (int i = 0; i < sums.Length; i++)
            {
                sums[i] += replica.Rejected(i);
            }
        }

        return [.. sums.Select((sum, i) => new Measurement<long>(sum, _silo, _pbft, new("reason", PbftReplicaGauges.RejectReasons[i])))];
    }

    private Measurement<int>[] Replicas() =>
        [new(Volatile.Read(ref _raftReplicas).Length, _silo, _raft), new(Volatile.Read(ref _pbftReplicas).Length, _silo, _pbft)];
}
