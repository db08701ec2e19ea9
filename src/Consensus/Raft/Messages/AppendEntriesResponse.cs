namespace Synod.Consensus.Raft;

/// <summary>
/// A follower's answer to <see cref="AppendEntries"/>. On success <see cref="MatchIndex"/> is the
/// last index known to match the leader's log. On rejection <see cref="RejectedIndex"/> is the
/// previous index that did not match and <see cref="Hint"/> is the follower's best guess of where
/// the logs may agree: the last of its entries at or below that index whose term is not greater
/// than the leader's term there, which lets the leader skip a whole term per round trip (paper §5.3,
/// last paragraph).
/// </summary>
public sealed record AppendEntriesResponse(ReplicaId From, ReplicaId To, Term Term, bool Success, LogIndex MatchIndex, LogIndex RejectedIndex, LogPosition Hint)
    : RaftMessage(From, To, Term);
