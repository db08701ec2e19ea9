using Google.Protobuf;
using Synod.Consensus.Raft;
using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.Wire;

/// <summary>
/// The bodies of <see cref="RaftEnvelope"/> for each core message kind. The shared fields (from, to,
/// term) are written by <see cref="RaftWire.ToWire"/>.
/// </summary>
internal static class RaftWireEncoder
{
    public static RaftRequestVote Encode(RequestVote m) => new()
    {
        LastLogIndex = m.LastLog.Index.Value,
        LastLogTerm = m.LastLog.Term.Value,
        IsPreVote = m.IsPreVote,
        IsLeadershipTransfer = m.IsLeadershipTransfer,
    };

    public static RaftVoteResponse Encode(VoteResponse m) => new() { IsPreVote = m.IsPreVote, Granted = m.Granted };

    public static RaftAppendEntries Encode(AppendEntries m)
    {
        if (m.Entries.IsDefault)
        {
            throw new ArgumentException("entries of an AppendEntries must not be default", nameof(m));
        }

        var wire = new RaftAppendEntries
        {
            PreviousIndex = m.Previous.Index.Value,
            PreviousTerm = m.Previous.Term.Value,
            Commit = m.Commit.Value,
        };
        foreach (var entry in m.Entries)
        {
            wire.Entries.Add(Encode(entry));
        }

        return wire;
    }

    public static RaftAppendEntriesResponse Encode(AppendEntriesResponse m) => new()
    {
        Success = m.Success,
        MatchIndex = m.MatchIndex.Value,
        RejectedIndex = m.RejectedIndex.Value,
        HintIndex = m.Hint.Index.Value,
        HintTerm = m.Hint.Term.Value,
    };

    public static RaftHeartbeat Encode(Heartbeat m) => new() { Commit = m.Commit.Value, ReadRound = m.ReadRound, Quiesce = m.Quiesce };

    public static RaftHeartbeatResponse Encode(HeartbeatResponse m) => new() { ReadRound = m.ReadRound };

    public static RaftInstallSnapshot Encode(InstallSnapshot m)
    {
        if (m.Metadata?.Membership is null)
        {
            throw new ArgumentException("an InstallSnapshot must carry snapshot metadata", nameof(m));
        }

        return new RaftInstallSnapshot
        {
            Metadata = Encode(m.Metadata),
            Offset = m.Offset,
            Chunk = ByteString.CopyFrom(m.Chunk.Span),
            IsLastChunk = m.IsLastChunk,
        };
    }

    public static RaftInstallSnapshotResponse Encode(InstallSnapshotResponse m) => new()
    {
        SnapshotIndex = m.SnapshotIndex.Value,
        NextOffset = m.NextOffset,
        Installed = m.Installed,
    };

    private static RaftEntry Encode(Entry entry) => new()
    {
        Index = entry.Index.Value,
        Term = entry.Term.Value,
        Kind = Encode(entry.Kind),
        Data = ByteString.CopyFrom(entry.Data.Span),
    };

    private static RaftEntryKind Encode(EntryKind kind) => kind switch
    {
        EntryKind.Command => RaftEntryKind.Command,
        EntryKind.Empty => RaftEntryKind.Empty,
        EntryKind.MembershipChange => RaftEntryKind.MembershipChange,
        _ => throw new ArgumentException($"no wire mapping for entry kind {kind}", nameof(kind)),
    };

    private static RaftSnapshotMetadata Encode(SnapshotMetadata metadata)
    {
        var membership = new RaftMembership();
        foreach (var voter in metadata.Membership.Voters)
        {
            membership.Voters.Add(voter.Value);
        }

        foreach (var learner in metadata.Membership.Learners)
        {
            membership.Learners.Add(learner.Value);
        }

        return new RaftSnapshotMetadata
        {
            LastIndex = metadata.Last.Index.Value,
            LastTerm = metadata.Last.Term.Value,
            Membership = membership,
            SizeBytes = metadata.SizeBytes,
        };
    }
}
