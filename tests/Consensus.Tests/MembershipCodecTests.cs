using Synod.Consensus.Raft;

namespace Synod.Consensus.Tests;

public sealed class MembershipCodecTests
{
    public static TheoryData<MembershipChangeKind, ulong, ulong[], ulong[]> Cases => new()
    {
        { MembershipChangeKind.AddLearner, 4, [1, 2, 3], [4] },
        { MembershipChangeKind.PromoteLearner, 4, [1, 2, 3, 4], [] },
        { MembershipChangeKind.RemoveReplica, 2, [1, 3], [] },
        { MembershipChangeKind.RemoveReplica, 9, [1], [5, 7] },
        { MembershipChangeKind.AddLearner, ulong.MaxValue, [1, ulong.MaxValue - 1], [ulong.MaxValue] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_change_and_its_resulting_membership_round_trip(MembershipChangeKind kind, ulong replica, ulong[] voters, ulong[] learners)
    {
        // Proves that a membership-change entry decodes to exactly the change and the membership it was encoded from.
        var change = new MembershipChange(kind, new ReplicaId(replica));
        var membership = Membership.Create(voters.Select(v => new ReplicaId(v)), learners.Select(l => new ReplicaId(l)));

        var encoded = MembershipCodec.Encode(change, membership);

        Assert.True(MembershipCodec.TryDecode(encoded, out var decodedChange, out var decodedMembership));
        Assert.Equal(change, decodedChange);
        Assert.Equal(membership, decodedMembership);
        Assert.Equal(1 + 8 + 4 + (8 * voters.Length) + 4 + (8 * learners.Length), encoded.Length);
    }

    [Fact]
    public void Every_truncation_and_any_trailing_byte_is_rejected()
    {
        // Proves that the decoder accepts only a complete payload: each proper prefix fails, and so does a payload with extra bytes.
        var encoded = MembershipCodec.Encode(
            new MembershipChange(MembershipChangeKind.AddLearner, new ReplicaId(4)),
            Membership.Create([new(1), new(2), new(3)], [new(4)]));

        for (var length = 0; length < encoded.Length; length++)
        {
            Assert.False(MembershipCodec.TryDecode(encoded.AsSpan(0, length), out _, out _), $"prefix of {length} bytes decoded");
        }

        Assert.False(MembershipCodec.TryDecode([.. encoded, 0], out _, out _));
    }

    [Fact]
    public void A_count_larger_than_the_payload_is_rejected()
    {
        // Proves that a hostile voter count cannot make the decoder read past the payload or allocate for it.
        var encoded = MembershipCodec.Encode(new MembershipChange(MembershipChangeKind.RemoveReplica, new ReplicaId(2)), Membership.OfVoters(new ReplicaId(1)));
        encoded[9] = 0xFF;
        encoded[10] = 0xFF;
        encoded[11] = 0xFF;
        encoded[12] = 0x7F;

        Assert.False(MembershipCodec.TryDecode(encoded, out _, out _));
    }
}
