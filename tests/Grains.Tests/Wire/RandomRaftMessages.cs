using System.Collections.Immutable;
using Synod.Consensus;
using Synod.Consensus.Raft;

namespace Synod.Grains.Tests.Wire;

/// <summary>
/// Builds arbitrary, representable core messages of every kind from a seeded generator, so a failing
/// property reports a seed that rebuilds the same message. Values lean towards the edges (0, 1, the
/// top of the range) where encodings usually break.
/// </summary>
internal sealed class RandomRaftMessages(ulong seed)
{
    private readonly SplitMix64Random _random = new(seed);

    public RaftMessage Next()
    {
        var from = Replica();
        var to = Replica();
        var term = new Term(Value());
        return _random.Next(9) switch
        {
            0 => new RequestVote(from, to, term, Position(), Flag(), Flag()),
            1 => new VoteResponse(from, to, term, Flag(), Flag()),
            2 => new AppendEntries(from, to, term, Position(), Entries(), new LogIndex(Value())),
            3 => new AppendEntriesResponse(from, to, term, Flag(), new LogIndex(Value()), new LogIndex(Value()), Position()),
            4 => new Heartbeat(from, to, term, new LogIndex(Value()), Value(), Flag()),
            5 => new HeartbeatResponse(from, to, term, Value()),
            6 => Chunk(from, to, term),
            7 => new InstallSnapshotResponse(from, to, term, new LogIndex(Value()), NonNegative(), Flag()),
            _ => new TimeoutNow(from, to, term),
        };
    }

    private InstallSnapshot Chunk(ReplicaId from, ReplicaId to, Term term)
    {
        var chunk = Bytes();
        var metadata = new SnapshotMetadata(Position(), Members(), NonNegative());
        var offset = Flag() ? 0 : (long)(_random.NextUInt64() % (ulong)(long.MaxValue - chunk.Length));
        return new InstallSnapshot(from, to, term, metadata, offset, chunk, Flag());
    }

    private ImmutableArray<Entry> Entries()
    {
        var count = _random.Next(6);
        var entries = ImmutableArray.CreateBuilder<Entry>(count);
        for (var i = 0; i < count; i++)
        {
            var kind = (EntryKind)_random.Next(3);
            var data = kind switch
            {
                EntryKind.Empty => [],
                EntryKind.MembershipChange => MembershipCodec.Encode(new MembershipChange(MembershipChangeKind.AddLearner, Replica()), Members()),
                _ => Bytes(),
            };
            entries.Add(new Entry(new LogIndex(Value()), new Term(Value()), kind, data));
        }

        return entries.MoveToImmutable();
    }

    private Membership Members()
    {
        var ids = Enumerable.Range(0, _random.Next(7)).Select(_ => Replica()).Distinct().ToList();
        var voterCount = ids.Count == 0 ? 0 : _random.Next(ids.Count + 1);
        return Membership.Create(ids.Take(voterCount), ids.Skip(voterCount));
    }

    private byte[] Bytes()
    {
        var bytes = new byte[_random.Next(3) == 0 ? 0 : _random.Next(300)];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)_random.NextUInt64();
        }

        return bytes;
    }

    private LogPosition Position() => new(new LogIndex(Value()), new Term(Value()));

    private ReplicaId Replica() => new(Math.Max(1, Value()));

    private long NonNegative() => (long)(Value() >> 1);

    private bool Flag() => _random.Next(2) == 1;

    private ulong Value() => _random.Next(6) switch
    {
        0 => 0,
        1 => 1,
        2 => ulong.MaxValue,
        3 => ulong.MaxValue - 1,
        4 => (ulong)_random.Next(1_000),
        _ => _random.NextUInt64(),
    };
}
