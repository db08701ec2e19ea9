using Google.Protobuf;
using Synod.Consensus.Raft;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.Wire;

namespace Synod.Grains.Tests.Wire;

public sealed class RaftWireMalformedTests
{
    private const string Group = "kv/orders-7";

    [Fact]
    public void Envelope_without_a_body_is_rejected()
    {
        // Proves an envelope whose oneof is unset is refused with a reason rather than decoded or thrown on.
        var envelope = new RaftEnvelope { Group = Group, From = 1, To = 2, Term = 3 };

        AssertRejected(envelope, "no message");
    }

    [Fact]
    public void Envelope_with_a_body_of_an_unknown_kind_is_rejected()
    {
        // Proves a body from a newer schema (a oneof field this build lacks) parses but is refused, not misread.
        var known = new RaftEnvelope { Group = Group, From = 1, To = 2, Term = 3 }.ToByteArray();
        using var extra = new MemoryStream();
        var output = new CodedOutputStream(extra);
        output.WriteTag(99, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(8, 1));
        output.Flush();

        var envelope = RaftEnvelope.Parser.ParseFrom([.. known, .. extra.ToArray()]);

        AssertRejected(envelope, "no message");
    }

    [Fact]
    public void Null_envelope_is_rejected()
    {
        // Proves decoding never throws, even on a null envelope.
        Assert.False(RaftWire.TryFromWire(null!, out var message, out var error));
        Assert.Null(message);
        Assert.NotNull(error);
    }

    [Fact]
    public void Garbage_bytes_are_the_parsers_to_reject()
    {
        // Proves undecodable bytes surface as InvalidProtocolBufferException from the parser, which the caller catches.
        byte[] garbage = [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01];

        Assert.Throws<InvalidProtocolBufferException>(() => RaftEnvelope.Parser.ParseFrom(garbage));
    }

    [Fact]
    public void Missing_group_and_replica_zero_are_rejected()
    {
        // Proves an envelope with no group, or sent from or to the reserved replica 0, is refused.
        AssertRejected(Valid(e => e.Group = ""), "group");
        AssertRejected(Valid(e => e.From = 0), "sender");
        AssertRejected(Valid(e => e.To = 0), "receiver");
    }

    [Fact]
    public void Term_zero_is_accepted()
    {
        // Proves term 0 is not refused: a replica that never campaigned answers vote requests at term 0.
        var envelope = RaftWire.ToWire(Group, new VoteResponse(new ReplicaId(2), new ReplicaId(1), Term.Zero, true, false));

        Assert.True(RaftWire.TryFromWire(envelope, out var message, out _));
        Assert.Equal(Term.Zero, message!.Term);
    }

    [Theory]
    [InlineData(RaftEntryKind.Unspecified)]
    [InlineData((RaftEntryKind)42)]
    public void Entry_of_an_unknown_kind_is_rejected(RaftEntryKind kind)
    {
        // Proves an entry whose kind is unset or unknown to the core is refused instead of read as some other kind.
        var envelope = AppendWithEntries();
        envelope.AppendEntries.Entries[1].Kind = kind;

        AssertRejected(RaftEnvelope.Parser.ParseFrom(envelope.ToByteArray()), "unknown kind");
    }

    [Fact]
    public void Snapshot_chunk_without_metadata_or_membership_is_rejected()
    {
        // Proves a chunk must say what snapshot it belongs to, including its membership.
        AssertRejected(Chunk(c => c.Metadata = null), "metadata missing");
        AssertRejected(Chunk(c => c.Metadata.Membership = null), "membership missing");
    }

    [Fact]
    public void Snapshot_membership_that_would_break_its_invariants_is_rejected()
    {
        // Proves a peer's member lists cannot trip Membership's invariants (id 0, a voter that is also a learner) or repeat an id.
        AssertRejected(Chunk(c => c.Metadata.Membership.Voters.Add(0)), "replica 0");
        AssertRejected(Chunk(c => c.Metadata.Membership.Learners.Add(0)), "replica 0");
        AssertRejected(Chunk(c => c.Metadata.Membership.Voters.Add(1)), "twice");
        AssertRejected(Chunk(c => c.Metadata.Membership.Learners.Add(1)), "twice");
        AssertRejected(Chunk(c => c.Metadata.Membership.Learners.Add(7)), "twice");
    }

    [Fact]
    public void Negative_sizes_and_offsets_are_rejected()
    {
        // Proves byte counts the core holds as long cannot arrive negative or overflow when the chunk length is added.
        AssertRejected(Chunk(c => c.Metadata.SizeBytes = -1), "negative size");
        AssertRejected(Chunk(c => c.Offset = -4), "negative offset");
        AssertRejected(Chunk(c => c.Offset = long.MaxValue - 1), "past the largest offset");
        AssertRejected(Valid(e => e.InstallSnapshotResponse = new RaftInstallSnapshotResponse { NextOffset = -1 }), "negative offset");
    }

    [Fact]
    public void Values_the_core_validator_judges_are_passed_through()
    {
        // Proves the wire leaves protocol checks to RaftMessageValidator: out-of-order entries and a chunk past the snapshot's size decode.
        var envelope = AppendWithEntries();
        envelope.AppendEntries.Entries[0].Index = 1_000;
        Assert.True(RaftWire.TryFromWire(envelope, out _, out _));

        Assert.True(RaftWire.TryFromWire(Chunk(c => c.Offset = 1_000_000), out _, out _));
    }

    private static void AssertRejected(RaftEnvelope envelope, string reason)
    {
        Assert.False(RaftWire.TryFromWire(envelope, out var message, out var error));
        Assert.Null(message);
        Assert.NotNull(error);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    private static RaftEnvelope Valid(Action<RaftEnvelope> change)
    {
        var envelope = RaftWire.ToWire(Group, new HeartbeatResponse(new ReplicaId(2), new ReplicaId(1), new Term(5), 8));
        change(envelope);
        return envelope;
    }

    private static RaftEnvelope AppendWithEntries() => RaftWire.ToWire(Group, new AppendEntries(
        new ReplicaId(1), new ReplicaId(2), new Term(3), new LogPosition(new LogIndex(4), new Term(2)),
        [
            new Entry(new LogIndex(5), new Term(3), EntryKind.Empty, ReadOnlyMemory<byte>.Empty),
            new Entry(new LogIndex(6), new Term(3), EntryKind.Command, new byte[] { 7 }),
        ],
        new LogIndex(5)));

    private static RaftEnvelope Chunk(Action<RaftInstallSnapshot> change)
    {
        var metadata = new SnapshotMetadata(new LogPosition(new LogIndex(9), new Term(2)), Membership.Create([new ReplicaId(1), new ReplicaId(2)], [new ReplicaId(7)]), 16);
        var envelope = RaftWire.ToWire(Group, new InstallSnapshot(new ReplicaId(1), new ReplicaId(2), new Term(3), metadata, 4, new byte[] { 1, 2, 3 }, false));
        change(envelope.InstallSnapshot);
        return envelope;
    }
}
