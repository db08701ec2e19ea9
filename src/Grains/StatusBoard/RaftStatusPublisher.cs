using System.Globalization;
using Synod.Consensus.Raft;

namespace Synod.Grains.StatusBoard;

/// <summary>
/// Publishes one Raft replica's snapshot into its silo's <see cref="ReplicaStatusBoard"/> at the end
/// of its turns: always when the role, term, leader, quiet state, fault or configuration changed
/// (logging the leader and membership changes), otherwise only while the board is watched and at
/// most every <see cref="ReplicaStatusBoard.RefreshInterval"/>. Runs inside the grain's turns.
/// </summary>
internal sealed class RaftStatusPublisher(ReplicaStatusBoard board, string replicaKey, string group, ulong replica)
{
    private ReplicaStatusSnapshot? _published;
    private Membership? _membership;
    private long _publishedAt;
    private long _elections;

    public void MaybePublish(RaftNode node, string? fault)
    {
        string role = fault is not null ? "Faulted" : node.Role.ToString();
        bool membershipChanged = _membership is not null && !_membership.Equals(node.Membership);
        bool changed = _published is null
            || _published.Role != role
            || _published.Term != node.Term.Value
            || _published.Leader != node.Leader.Value
            || _published.Quiet != node.IsQuiet
            || membershipChanged;
        if (!changed && !board.IsDue(_publishedAt))
        {
            return;
        }

        if (role == "Leader" && _published?.Role != "Leader")
        {
            _elections++;
            board.Record(group, replica, "leader", node.Term.Value, string.Create(CultureInfo.InvariantCulture, $"replica {replica} became leader at term {node.Term.Value}"));
        }

        if (membershipChanged)
        {
            board.Record(group, replica, "membership", node.Term.Value, string.Create(CultureInfo.InvariantCulture,
                $"voters {string.Join(',', node.Membership.Voters.Select(v => v.Value))}{(node.Membership.Learners.IsEmpty ? "" : " learners " + string.Join(',', node.Membership.Learners.Select(l => l.Value)))}"));
        }

        if (fault is not null && _published?.Faulted != true)
        {
            board.Record(group, replica, "fault", node.Term.Value, fault);
        }

        _membership = node.Membership;
        _published = new ReplicaStatusSnapshot(
            group, replica, "raft", role, node.Term.Value, node.Leader.Value, node.CommitIndex.Value, node.AppliedIndex.Value,
            node.LastPosition.Index.Value, node.Role == RaftRole.Leader ? SlowestFollowerLag(node) : 0, node.Membership.Voters.Length,
            node.IsQuiet, fault is not null, "", _elections, board.NowMs);
        _publishedAt = board.Timestamp;
        board.Publish(replicaKey, _published);
    }

    public void Remove() => board.Remove(replicaKey);

    private static ulong SlowestFollowerLag(RaftNode node)
    {
        RaftStatus status = node.GetStatus();
        ulong last = status.Last.Index.Value;
        ulong lag = 0;
        foreach (ReplicaProgress progress in status.Progress)
        {
            if (progress.Id != status.Id && !progress.IsLearner && last > progress.Match.Value)
            {
                lag = Math.Max(lag, last - progress.Match.Value);
            }
        }

        return lag;
    }
}
