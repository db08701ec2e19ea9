using Synod.Consensus.Raft;

namespace Synod.Grains.Tests.Wire;

/// <summary>
/// Value comparison of core messages. Record equality is not enough: it compares
/// <see cref="System.Collections.Immutable.ImmutableArray{T}"/> and <see cref="ReadOnlyMemory{T}"/>
/// by reference, so entries and chunks are compared element by element and byte by byte.
/// </summary>
internal static class RaftMessageAssert
{
    public static void Equivalent(RaftMessage expected, RaftMessage? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.GetType(), actual.GetType());
        switch (expected)
        {
            case AppendEntries e: EquivalentAppend(e, (AppendEntries)actual); break;
            case InstallSnapshot e: EquivalentChunk(e, (InstallSnapshot)actual); break;
            default: Assert.Equal(expected, actual); break;
        }
    }

    private static void EquivalentAppend(AppendEntries expected, AppendEntries actual)
    {
        Assert.Equal(expected with { Entries = [] }, actual with { Entries = [] });
        Assert.False(actual.Entries.IsDefault);
        Assert.Equal(expected.Entries.Length, actual.Entries.Length);
        for (var i = 0; i < expected.Entries.Length; i++)
        {
            var want = expected.Entries[i];
            var got = actual.Entries[i];
            Assert.Equal((want.Index, want.Term, want.Kind), (got.Index, got.Term, got.Kind));
            Assert.Equal(want.Data.ToArray(), got.Data.ToArray());
        }
    }

    private static void EquivalentChunk(InstallSnapshot expected, InstallSnapshot actual)
    {
        Assert.Equal(expected with { Chunk = default }, actual with { Chunk = default });
        Assert.Equal(expected.Metadata.Membership.Voters.ToArray(), actual.Metadata.Membership.Voters.ToArray());
        Assert.Equal(expected.Metadata.Membership.Learners.ToArray(), actual.Metadata.Membership.Learners.ToArray());
        Assert.Equal(expected.Chunk.ToArray(), actual.Chunk.ToArray());
    }
}
