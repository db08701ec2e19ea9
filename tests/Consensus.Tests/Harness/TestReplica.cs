using Synod.Consensus.Raft;

namespace Synod.Consensus.Tests.Harness;

/// <summary>One replica of a <see cref="TestCluster"/>: its storage, and while it is up, its core and state machine.</summary>
internal sealed class TestReplica
{
    public TestReplica(RaftConfig config, MemoryStorage storage)
    {
        Config = config;
        Storage = storage;
    }

    public RaftConfig Config { get; }

    public MemoryStorage Storage { get; }

    /// <summary>The running core, or null while the replica is down.</summary>
    public RaftNode? Node { get; set; }

    public TestStateMachine StateMachine { get; set; } = new();

    public List<ReadState> ReadStates { get; } = [];

    public List<ulong> AbortedReads { get; } = [];

    public int Starts { get; set; }

    /// <summary>A Ready handled (persisted, sent, applied) but not yet confirmed with Advance.</summary>
    public Ready? Unadvanced { get; set; }
}
