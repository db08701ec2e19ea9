using System.Collections.Immutable;
using Google.Protobuf;
using Synod.Consensus.Raft;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.Wire;

namespace Synod.Grains.Tests.Wire;

public sealed class RaftWireRoundTripTests
{
    private const string Group = "kv/orders-7";

    private static readonly ReplicaId Leader = new(3);
    private static readonly ReplicaId Follower = new(0xFFFF_FFFF_0000_0001);

    [Fact]
    public void RequestVote_round_trips_with_every_flag()
    {
        // Proves a vote request keeps its last log position and both campaign flags through bytes.
        foreach (var (preVote, transfer) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            RoundTrip(new RequestVote(Leader, Follower, new Term(41), new LogPosition(new LogIndex(1_000_001), new Term(40)), preVote, transfer));
        }
    }

    [Fact]
    public void VoteResponse_round_trips_even_when_every_field_is_default()
    {
        // Proves an all-false vote response still arrives as a vote response: the empty body keeps the oneof set.
        RoundTrip(new VoteResponse(Follower, Leader, Term.Zero, IsPreVote: false, Granted: false));
        RoundTrip(new VoteResponse(Follower, Leader, new Term(9), IsPreVote: true, Granted: true));
    }

    [Fact]
    public void AppendEntries_round_trips_entries_of_every_kind()
    {
        // Proves entries of each kind, with empty and non-empty payloads, keep index, term, kind and bytes.
        var joined = Membership.Create([new ReplicaId(1), Leader, new ReplicaId(5)], [new ReplicaId(8)]);
        var membershipPayload = MembershipCodec.Encode(new MembershipChange(MembershipChangeKind.AddLearner, new ReplicaId(8)), joined);
        ImmutableArray<Entry> entries =
        [
            new(new LogIndex(11), new Term(6), EntryKind.Empty, ReadOnlyMemory<byte>.Empty),
            new(new LogIndex(12), new Term(6), EntryKind.Command, new byte[] { 1, 2, 3, 0, 255 }),
            new(new LogIndex(13), new Term(7), EntryKind.Command, ReadOnlyMemory<byte>.Empty),
            new(new LogIndex(14), new Term(7), EntryKind.MembershipChange, membershipPayload),
            new(new LogIndex(15), new Term(7), EntryKind.Command, Enumerable.Range(0, 70_000).Select(i => (byte)i).ToArray()),
        ];

        var decoded = RoundTrip(new AppendEntries(Leader, Follower, new Term(7), new LogPosition(new LogIndex(10), new Term(5)), entries, new LogIndex(12)));

        var change = ((AppendEntries)decoded).Entries[3];
        Assert.True(MembershipCodec.TryDecode(change.Data.Span, out var decodedChange, out var decodedMembership));
        Assert.Equal(new MembershipChange(MembershipChangeKind.AddLearner, new ReplicaId(8)), decodedChange);
        Assert.Equal(joined, decodedMembership);
    }

    [Fact]
    public void AppendEntries_without_entries_decodes_to_an_empty_not_a_default_array()
    {
        // Proves a probe with no entries decodes to an empty entry list, which the core's validator accepts.
        var decoded = (AppendEntries)RoundTrip(new AppendEntries(Leader, Follower, new Term(2), default, [], LogIndex.Zero));

        Assert.False(decoded.Entries.IsDefault);
        Assert.Empty(decoded.Entries);
    }

    [Fact]
    public void AppendEntriesResponse_round_trips_success_and_rejection_with_hint()
    {
        // Proves both answers keep match index, rejected index and the (index, term) hint.
        RoundTrip(new AppendEntriesResponse(Follower, Leader, new Term(7), true, new LogIndex(15), LogIndex.Zero, default));
        RoundTrip(new AppendEntriesResponse(Follower, Leader, new Term(8), false, LogIndex.Zero, new LogIndex(99), new LogPosition(new LogIndex(42), new Term(3))));
    }

    [Fact]
    public void Heartbeat_and_its_response_round_trip_with_extreme_read_rounds()
    {
        // Proves commit and read-round values survive up to the top of their 64-bit range.
        RoundTrip(new Heartbeat(Leader, Follower, new Term(12), new LogIndex(ulong.MaxValue), ulong.MaxValue));
        RoundTrip(new HeartbeatResponse(Follower, Leader, new Term(12), ulong.MaxValue - 1));
        RoundTrip(new Heartbeat(Leader, Follower, new Term(1), LogIndex.Zero, 0));
        RoundTrip(new Heartbeat(Leader, Follower, new Term(3), new LogIndex(7), 9, Quiesce: true));
    }

    [Fact]
    public void InstallSnapshot_round_trips_chunks_with_their_membership()
    {
        // Proves snapshot metadata (position, voters, learners, size) and each chunk's offset, bytes and last flag survive.
        var membership = Membership.Create([new ReplicaId(2), Leader, new ReplicaId(9)], [new ReplicaId(4), new ReplicaId(12)]);
        var metadata = new SnapshotMetadata(new LogPosition(new LogIndex(5_000), new Term(17)), membership, 10);
        byte[] data = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

        RoundTrip(new InstallSnapshot(Leader, Follower, new Term(18), metadata, 0, data.AsMemory(0, 4), IsLastChunk: false));
        RoundTrip(new InstallSnapshot(Leader, Follower, new Term(18), metadata, 4, data.AsMemory(4), IsLastChunk: true));
    }

    [Fact]
    public void InstallSnapshot_round_trips_an_empty_snapshot_with_an_empty_membership()
    {
        // Proves the initial snapshot (nothing covered, no members, no bytes) is distinguishable from missing metadata.
        var initial = Snapshot.Initial(Membership.Empty);

        var decoded = (InstallSnapshot)RoundTrip(new InstallSnapshot(Leader, Follower, new Term(1), initial.Metadata, 0, ReadOnlyMemory<byte>.Empty, IsLastChunk: true));

        Assert.Equal(Membership.Empty, decoded.Metadata.Membership);
    }

    [Fact]
    public void InstallSnapshotResponse_round_trips()
    {
        // Proves the follower's snapshot index, next offset and installed flag survive.
        RoundTrip(new InstallSnapshotResponse(Follower, Leader, new Term(18), new LogIndex(5_000), 4, Installed: false));
        RoundTrip(new InstallSnapshotResponse(Follower, Leader, new Term(18), new LogIndex(5_000), long.MaxValue, Installed: true));
    }

    [Fact]
    public void TimeoutNow_round_trips()
    {
        // Proves a message with no fields of its own still arrives as TimeoutNow with its header.
        RoundTrip(new TimeoutNow(Leader, Follower, new Term(ulong.MaxValue)));
    }

    [Fact]
    public void Envelope_carries_the_group_and_header_fields()
    {
        // Proves the group, sender, receiver and term are readable from the envelope without decoding the body.
        var envelope = RaftWire.ToWire(Group, new HeartbeatResponse(Follower, Leader, new Term(4), 1));

        Assert.Equal((Group, Follower.Value, Leader.Value, 4UL), (envelope.Group, envelope.From, envelope.To, envelope.Term));
        Assert.Equal(RaftEnvelope.MessageOneofCase.HeartbeatResponse, envelope.MessageCase);
    }

    [Fact]
    public void Encoding_copies_payloads_so_later_writes_to_the_source_do_not_leak()
    {
        // Proves the envelope owns its bytes: changing the sender's buffer after ToWire changes nothing on the wire.
        var buffer = new byte[] { 1, 2, 3 };
        var message = new AppendEntries(Leader, Follower, new Term(2), default, [new Entry(new LogIndex(1), new Term(2), EntryKind.Command, buffer)], LogIndex.Zero);

        var envelope = RaftWire.ToWire(Group, message);
        buffer[0] = 99;

        Assert.Equal(new byte[] { 1, 2, 3 }, envelope.AppendEntries.Entries[0].Data.ToByteArray());
    }

    [Fact]
    public void ToWire_refuses_an_empty_group_and_an_unmappable_message()
    {
        // Proves sender-side bugs (no group, default entries, missing metadata) fail loudly instead of producing bad envelopes.
        Assert.Throws<ArgumentException>(() => RaftWire.ToWire("", new TimeoutNow(Leader, Follower, new Term(1))));
        Assert.Throws<ArgumentException>(() => RaftWire.ToWire(Group, new AppendEntries(Leader, Follower, new Term(1), default, default, LogIndex.Zero)));
        Assert.Throws<ArgumentException>(() => RaftWire.ToWire(Group, new InstallSnapshot(Leader, Follower, new Term(1), null!, 0, default, true)));
    }

    /// <summary>Encodes, serializes, parses and decodes, checking each step; returns the decoded message.</summary>
    internal static RaftMessage RoundTrip(RaftMessage message)
    {
        var envelope = RaftWire.ToWire(Group, message);
        var parsed = RaftEnvelope.Parser.ParseFrom(envelope.ToByteArray());
        Assert.Equal(envelope, parsed);
        Assert.Equal(Group, parsed.Group);

        Assert.True(RaftWire.TryFromWire(parsed, out var decoded, out var error), error);
        Assert.Null(error);
        RaftMessageAssert.Equivalent(message, decoded);
        return decoded!;
    }
}
