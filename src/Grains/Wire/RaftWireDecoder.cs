using System.Collections.Immutable;
using Google.Protobuf.Collections;
using Synod.Consensus.Raft;
using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.Wire;

/// <summary>
/// Builds core messages from the bodies of a peer's <see cref="RaftEnvelope"/>. Kinds whose every
/// field value is representable decode unconditionally; the others return why they cannot be
/// represented, or null with the message. Nothing here throws on a peer's input.
/// </summary>
internal static class RaftWireDecoder
{
    public static RequestVote Decode(RaftRequestVote wire, WireHeader h) =>
        new(h.From, h.To, h.Term, Position(wire.LastLogIndex, wire.LastLogTerm), wire.IsPreVote, wire.IsLeadershipTransfer);

    public static VoteResponse Decode(RaftVoteResponse wire, WireHeader h) =>
        new(h.From, h.To, h.Term, wire.IsPreVote, wire.Granted);

    public static AppendEntriesResponse Decode(RaftAppendEntriesResponse wire, WireHeader h) =>
        new(h.From, h.To, h.Term, wire.Success, new LogIndex(wire.MatchIndex), new LogIndex(wire.RejectedIndex), Position(wire.HintIndex, wire.HintTerm));

    public static Heartbeat Decode(RaftHeartbeat wire, WireHeader h) =>
        new(h.From, h.To, h.Term, new LogIndex(wire.Commit), wire.ReadRound, wire.Quiesce);

    public static HeartbeatResponse Decode(RaftHeartbeatResponse wire, WireHeader h) =>
        new(h.From, h.To, h.Term, wire.ReadRound);

    public static string? TryDecode(RaftAppendEntries wire, WireHeader h, out RaftMessage? message)
    {
        message = null;
        var entries = ImmutableArray.CreateBuilder<Entry>(wire.Entries.Count);
        foreach (var entry in wire.Entries)
        {
            if (!TryDecode(entry.Kind, out var kind))
            {
                return $"entry {entry.Index} has unknown kind {(int)entry.Kind}";
            }

            // ByteString is immutable and the parser copies bytes out of its input, so the entry can
            // keep a view of it without another copy.
            entries.Add(new Entry(new LogIndex(entry.Index), new Term(entry.Term), kind, entry.Data.Memory));
        }

        message = new AppendEntries(h.From, h.To, h.Term, Position(wire.PreviousIndex, wire.PreviousTerm), entries.MoveToImmutable(), new LogIndex(wire.Commit));
        return null;
    }

    public static string? TryDecode(RaftInstallSnapshot wire, WireHeader h, out RaftMessage? message)
    {
        message = null;
        var error = TryDecode(wire.Metadata, out var metadata);
        if (error is not null)
        {
            return error;
        }

        if (wire.Offset < 0)
        {
            return $"snapshot chunk at negative offset {wire.Offset}";
        }

        // The core adds the chunk's length to its offset; a sum past long.MaxValue would wrap.
        if (wire.Offset > long.MaxValue - wire.Chunk.Length)
        {
            return $"snapshot chunk of {wire.Chunk.Length} bytes at offset {wire.Offset} ends past the largest offset";
        }

        message = new InstallSnapshot(h.From, h.To, h.Term, metadata!, wire.Offset, wire.Chunk.Memory, wire.IsLastChunk);
        return null;
    }

    public static string? TryDecode(RaftInstallSnapshotResponse wire, WireHeader h, out RaftMessage? message)
    {
        message = null;
        if (wire.NextOffset < 0)
        {
            return $"snapshot response expects negative offset {wire.NextOffset}";
        }

        message = new InstallSnapshotResponse(h.From, h.To, h.Term, new LogIndex(wire.SnapshotIndex), wire.NextOffset, wire.Installed);
        return null;
    }

    private static string? TryDecode(RaftSnapshotMetadata? wire, out SnapshotMetadata? metadata)
    {
        metadata = null;
        if (wire is null)
        {
            return "snapshot metadata missing";
        }

        if (wire.SizeBytes < 0)
        {
            return $"snapshot of negative size {wire.SizeBytes}";
        }

        var error = TryDecode(wire.Membership, out var membership);
        if (error is not null)
        {
            return error;
        }

        metadata = new SnapshotMetadata(Position(wire.LastIndex, wire.LastTerm), membership!, wire.SizeBytes);
        return null;
    }

    /// <summary>
    /// Checks what <see cref="Membership.Create"/> asserts (ids non-zero, no id in both roles) so that
    /// a peer's list cannot trip an invariant, and refuses repeated ids, which Create would silently
    /// merge, like MembershipCodec does.
    /// </summary>
    private static string? TryDecode(RaftMembership? wire, out Membership? membership)
    {
        membership = null;
        if (wire is null)
        {
            return "snapshot membership missing";
        }

        var seen = new HashSet<ulong>();
        var error = CheckIds(wire.Voters, "voter", seen) ?? CheckIds(wire.Learners, "learner", seen);
        if (error is not null)
        {
            return error;
        }

        membership = Membership.Create(wire.Voters.Select(id => new ReplicaId(id)), wire.Learners.Select(id => new ReplicaId(id)));
        return null;
    }

    private static string? CheckIds(RepeatedField<ulong> ids, string role, HashSet<ulong> seen)
    {
        foreach (var id in ids)
        {
            if (id == 0)
            {
                return $"membership lists replica 0 as a {role}";
            }

            if (!seen.Add(id))
            {
                return $"membership lists replica {id} twice";
            }
        }

        return null;
    }

    private static bool TryDecode(RaftEntryKind wire, out EntryKind kind)
    {
        (var known, kind) = wire switch
        {
            RaftEntryKind.Command => (true, EntryKind.Command),
            RaftEntryKind.Empty => (true, EntryKind.Empty),
            RaftEntryKind.MembershipChange => (true, EntryKind.MembershipChange),
            _ => (false, default),
        };
        return known;
    }

    private static LogPosition Position(ulong index, ulong term) => new(new LogIndex(index), new Term(term));
}
