using Synod.Consensus.Pbft;

namespace Synod.Grains.Telemetry;

/// <summary>
/// What one PBFT replica shows its silo's instruments: a snapshot the replica writes at the end of
/// each pump and the meter's callbacks read from any thread, without locks or touching the core.
/// </summary>
public sealed class PbftReplicaGauges
{
    private long _view;
    private long _isPrimary;
    private long _viewChanging;
    private long _lastExecuted;
    private long _stableCheckpoint;
    private long _requests;
    private long _executed;
    private long _viewChanges;
    private readonly long[] _rejected = new long[RejectReasons.Length];

    internal PbftReplicaGauges(string group, ulong replica, KeyValuePair<string, object?> silo)
    {
        Group = group;
        Replica = replica;
        Tags = [new("group", group), new("replica", replica), new("protocol", "pbft"), silo];
    }

    /// <summary>The <c>reason</c> tag of <c>synod.pbft.messages.rejected</c>, in the order of <see cref="Rejected"/>.</summary>
    internal static readonly string[] RejectReasons =
        ["bad_signature", "wrong_view", "outside_watermarks", "digest_mismatch", "equivocation", "invalid_certificate", "misaddressed", "malformed", "bad_client_authenticator"];

    /// <summary>The replica's group.</summary>
    public string Group { get; }

    /// <summary>The replica's index in its group.</summary>
    public ulong Replica { get; }

    /// <summary>The replica's current view.</summary>
    public long View => Volatile.Read(ref _view);

    /// <summary>1 while this replica is the primary of its view and not changing views, else 0.</summary>
    public long IsPrimary => Volatile.Read(ref _isPrimary);

    /// <summary>1 while this replica is in a view change, else 0.</summary>
    public long ViewChanging => Volatile.Read(ref _viewChanging);

    /// <summary>The last sequence number executed.</summary>
    public long LastExecuted => Volatile.Read(ref _lastExecuted);

    /// <summary>The last stable checkpoint's sequence number.</summary>
    public long StableCheckpoint => Volatile.Read(ref _stableCheckpoint);

    /// <summary>Client requests this replica took since it was activated.</summary>
    public long Requests => Volatile.Read(ref _requests);

    /// <summary>Client requests this replica executed since it was activated.</summary>
    public long Executed => Volatile.Read(ref _executed);

    /// <summary>View changes this replica started.</summary>
    public long ViewChanges => Volatile.Read(ref _viewChanges);

    internal KeyValuePair<string, object?>[] Tags { get; }

    internal long Rejected(int reason) => Volatile.Read(ref _rejected[reason]);

    internal void RequestTaken() => Volatile.Write(ref _requests, _requests + 1);

    internal void RequestExecuted() => Volatile.Write(ref _executed, _executed + 1);

    /// <summary>Copies the core's figures; called by the replica's own turn at the end of each pump.</summary>
    internal void Publish(PbftReplica core)
    {
        Volatile.Write(ref _view, (long)core.View.Value);
        Volatile.Write(ref _isPrimary, core.IsPrimary ? 1 : 0);
        Volatile.Write(ref _viewChanging, core.IsViewChanging ? 1 : 0);
        Volatile.Write(ref _lastExecuted, (long)core.LastExecuted.Value);
        Volatile.Write(ref _stableCheckpoint, (long)core.StableCheckpoint.Value);
        PbftCounters counters = core.Counters;
        Volatile.Write(ref _viewChanges, counters.ViewChangesStarted);
        Volatile.Write(ref _rejected[0], counters.BadSignatures);
        Volatile.Write(ref _rejected[1], counters.WrongView);
        Volatile.Write(ref _rejected[2], counters.OutsideWatermarks);
        Volatile.Write(ref _rejected[3], counters.DigestMismatches);
        Volatile.Write(ref _rejected[4], counters.Equivocations);
        Volatile.Write(ref _rejected[5], counters.InvalidCertificates);
        Volatile.Write(ref _rejected[6], counters.Misaddressed);
        Volatile.Write(ref _rejected[7], counters.Malformed);
        Volatile.Write(ref _rejected[8], counters.BadClientAuthenticators);
    }
}
