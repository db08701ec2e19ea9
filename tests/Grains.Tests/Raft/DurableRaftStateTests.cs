using Synod.Consensus.Raft;
using Synod.Grains.Raft;

namespace Synod.Grains.Tests.Raft;

public sealed class DurableRaftStateTests
{
    [Fact]
    public void A_Ready_without_a_hard_state_writes_no_metadata_and_one_with_it_writes_25_bytes_that_decode()
    {
        // Proves the regression found by restarting a gracefully stopped dev cluster: a Ready without a hard-state change must leave the stored hard state alone (null metadata), not replace it with zero bytes (an empty ReadOnlyMemory), which made replicas fail to activate.
        Assert.Null(DurableRaftState.MetadataOf(null));

        var hard = new HardState(new Term(7), new ReplicaId(2), new LogIndex(41));
        ReadOnlyMemory<byte>? metadata = DurableRaftState.MetadataOf(hard);
        Assert.NotNull(metadata);
        Assert.Equal(25, metadata.Value.Length);
        Assert.Equal(hard, DurableRaftState.DecodeHardState(metadata.Value.Span));
    }
}
