using System.Buffers.Binary;

namespace Synod.Consensus.Raft;

/// <summary>
/// Encodes the payload of a membership-change entry: the change and the whole membership that
/// results from it, so a replica that starts from an empty log learns the configuration from the
/// first change entry it receives.
/// Layout (little endian): kind:u8, replica:u64, voterCount:u32, voters:u64*, learnerCount:u32, learners:u64*.
/// </summary>
public static class MembershipCodec
{
    public static byte[] Encode(MembershipChange change, Membership result)
    {
        var buffer = new byte[1 + 8 + 4 + (8 * result.Voters.Length) + 4 + (8 * result.Learners.Length)];
        var span = buffer.AsSpan();
        span[0] = (byte)change.Kind;
        BinaryPrimitives.WriteUInt64LittleEndian(span[1..], change.Replica.Value);
        var offset = 9;
        offset = WriteList(span, offset, result.Voters);
        WriteList(span, offset, result.Learners);
        return buffer;
    }

    public static bool TryDecode(ReadOnlySpan<byte> data, out MembershipChange change, out Membership result)
    {
        change = default;
        result = Membership.Empty;
        if (data.Length < 13)
        {
            return false;
        }

        change = new MembershipChange((MembershipChangeKind)data[0], new ReplicaId(BinaryPrimitives.ReadUInt64LittleEndian(data[1..])));
        var offset = 9;
        if (!TryReadList(data, ref offset, out var voters) || !TryReadList(data, ref offset, out var learners) || offset != data.Length)
        {
            return false;
        }

        // Ids must be non-zero and appear once, in one role: a payload that breaks this is refused
        // here rather than tripping Membership's invariants.
        var all = voters.Concat(learners).ToList();
        if (all.Any(id => id.IsNone) || all.Distinct().Count() != all.Count)
        {
            return false;
        }

        result = Membership.Create(voters, learners);
        return true;
    }

    private static int WriteList(Span<byte> span, int offset, System.Collections.Immutable.ImmutableArray<ReplicaId> ids)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(span[offset..], (uint)ids.Length);
        offset += 4;
        foreach (var id in ids)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[offset..], id.Value);
            offset += 8;
        }

        return offset;
    }

    private static bool TryReadList(ReadOnlySpan<byte> data, ref int offset, out List<ReplicaId> ids)
    {
        ids = [];
        if (data.Length - offset < 4)
        {
            return false;
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);
        offset += 4;
        if (count > (uint)((data.Length - offset) / 8))
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            ids.Add(new ReplicaId(BinaryPrimitives.ReadUInt64LittleEndian(data[offset..])));
            offset += 8;
        }

        return true;
    }
}
