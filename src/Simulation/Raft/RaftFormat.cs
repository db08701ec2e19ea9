using Synod.Consensus.Raft;

namespace Synod.Simulation.Raft;

/// <summary>One-line, deterministic descriptions of Raft messages for traces and scenario files.</summary>
public static class RaftFormat
{
    public static string Describe(RaftMessage message) => message switch
    {
        RequestVote m => $"{m.From}->{m.To} {(m.IsPreVote ? "PreVote" : "RequestVote")}(term={m.Term} last={m.LastLog}{(m.IsLeadershipTransfer ? " transfer" : "")})",
        VoteResponse m => $"{m.From}->{m.To} {(m.IsPreVote ? "PreVoteResponse" : "VoteResponse")}(term={m.Term} granted={m.Granted})",
        AppendEntries m => $"{m.From}->{m.To} AppendEntries(term={m.Term} prev={m.Previous} entries={m.Entries.Length}{(m.Entries.IsEmpty ? "" : $"[{m.Entries[0].Index}..{m.Entries[^1].Index}]")} commit={m.Commit})",
        AppendEntriesResponse m => $"{m.From}->{m.To} AppendEntriesResponse(term={m.Term} {(m.Success ? $"ok match={m.MatchIndex}" : $"reject {m.RejectedIndex} hint={m.Hint}")})",
        Heartbeat m => $"{m.From}->{m.To} Heartbeat(term={m.Term} commit={m.Commit} round={m.ReadRound}{(m.Quiesce ? " quiesce" : "")})",
        HeartbeatResponse m => $"{m.From}->{m.To} HeartbeatResponse(term={m.Term} round={m.ReadRound})",
        InstallSnapshot m => $"{m.From}->{m.To} InstallSnapshot(term={m.Term} last={m.Metadata.Last} offset={m.Offset} bytes={m.Chunk.Length}{(m.IsLastChunk ? " last" : "")})",
        InstallSnapshotResponse m => $"{m.From}->{m.To} InstallSnapshotResponse(term={m.Term} index={m.SnapshotIndex} next={m.NextOffset} installed={m.Installed})",
        TimeoutNow m => $"{m.From}->{m.To} TimeoutNow(term={m.Term})",
        _ => message.ToString(),
    };
}
