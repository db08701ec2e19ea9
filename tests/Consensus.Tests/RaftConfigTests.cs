using Synod.Consensus.Raft;

namespace Synod.Consensus.Tests;

public sealed class RaftConfigTests
{
    private static readonly RaftConfig Valid = new() { Id = new ReplicaId(1) };

    private static readonly Dictionary<string, RaftConfig> Invalid = new()
    {
        ["IdZero"] = Valid with { Id = ReplicaId.None },
        ["HeartbeatZero"] = Valid with { HeartbeatTicks = 0 },
        ["ElectionNotAboveHeartbeat"] = Valid with { ElectionTimeoutTicks = 3, HeartbeatTicks = 3 },
        ["LeaseMarginNegative"] = Valid with { LeaseSafetyMarginTicks = -1 },
        ["LeaseMarginAtElectionTimeout"] = Valid with { LeaseSafetyMarginTicks = 10 },
        ["LeaseWithoutCheckQuorum"] = Valid with { ReadMode = ReadMode.LeaseBased, CheckQuorum = false },
        ["InflightZero"] = Valid with { MaxInflightAppends = 0 },
        ["EntriesPerAppendZero"] = Valid with { MaxEntriesPerAppend = 0 },
        ["BytesPerAppendZero"] = Valid with { MaxBytesPerAppend = 0 },
        ["UncommittedZero"] = Valid with { MaxUncommittedEntries = 0 },
        ["SnapshotChunkZero"] = Valid with { MaxSnapshotChunkBytes = 0 },
        ["PendingReadsZero"] = Valid with { MaxPendingReads = 0 },
        ["LearnerLagNegative"] = Valid with { LearnerCatchUpMaxLagEntries = -1 },
    };

    [Fact]
    public void The_defaults_are_valid()
    {
        // Proves that a config with only an id passes validation, and that the defaults enable PreVote and CheckQuorum.
        Valid.Validate();

        Assert.True(Valid.PreVote);
        Assert.True(Valid.CheckQuorum);
        Assert.True(Valid.ElectionTimeoutTicks > Valid.HeartbeatTicks);
    }

    [Theory]
    [InlineData("IdZero")]
    [InlineData("HeartbeatZero")]
    [InlineData("ElectionNotAboveHeartbeat")]
    [InlineData("LeaseMarginNegative")]
    [InlineData("LeaseMarginAtElectionTimeout")]
    [InlineData("LeaseWithoutCheckQuorum")]
    [InlineData("InflightZero")]
    [InlineData("EntriesPerAppendZero")]
    [InlineData("BytesPerAppendZero")]
    [InlineData("UncommittedZero")]
    [InlineData("SnapshotChunkZero")]
    [InlineData("PendingReadsZero")]
    [InlineData("LearnerLagNegative")]
    public void A_bad_config_is_rejected_when_validated_and_when_a_node_is_built(string name)
    {
        // Proves configuration is validated when it is built (STYLE §4): Validate throws, and so does the RaftNode constructor.
        var config = Invalid[name];

        Assert.Throws<ArgumentException>(config.Validate);
        Assert.Throws<ArgumentException>(() => RaftNode.CreateNew(config, new SplitMix64Random(1), Membership.OfVoters(new ReplicaId(1))));
    }
}
