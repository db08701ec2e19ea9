using System.Globalization;
using Synod.Consensus.Pbft;

namespace Synod.Grains.StatusBoard;

/// <summary>
/// Publishes one PBFT replica's snapshot into its silo's <see cref="ReplicaStatusBoard"/>, on the
/// same rule as <see cref="RaftStatusPublisher"/>: on a change of view, role, fault or Byzantine
/// mode (logging view changes), otherwise only while watched, at most every refresh interval.
/// </summary>
internal sealed class PbftStatusPublisher(ReplicaStatusBoard board, string replicaKey, string group, int replica, int replicaCount)
{
    private ReplicaStatusSnapshot? _published;
    private long _publishedAt;
    private long _views;

    public void MaybePublish(PbftReplica core, string? fault, string byzantine)
    {
        int primary = core.View.Primary(replicaCount).Value;
        string role = fault is not null ? "Faulted" : core.IsViewChanging ? "ViewChanging" : primary == replica ? "Primary" : "Backup";
        bool changed = _published is null
            || _published.Role != role
            || _published.Term != core.View.Value
            || _published.Byzantine != byzantine;
        if (!changed && !board.IsDue(_publishedAt))
        {
            return;
        }

        if (_published is not null && core.View.Value > _published.Term)
        {
            _views++;
            board.Record(group, (ulong)replica, "view", core.View.Value, string.Create(CultureInfo.InvariantCulture, $"replica {replica} entered view {core.View.Value} (primary {primary})"));
        }

        if (fault is not null && _published?.Faulted != true)
        {
            board.Record(group, (ulong)replica, "fault", core.View.Value, fault);
        }

        ulong executed = core.LastExecuted.Value;
        _published = new ReplicaStatusSnapshot(
            group, (ulong)replica, "pbft", role, core.View.Value, (ulong)primary, executed, executed, executed, 0, replicaCount,
            false, fault is not null, byzantine, _views, board.NowMs);
        _publishedAt = board.Timestamp;
        board.Publish(replicaKey, _published);
    }

    public void Remove() => board.Remove(replicaKey);
}
