namespace Synod.Consensus.Raft;

/// <summary>How the leader is currently replicating to one follower (after etcd's raft design).</summary>
internal enum ProgressState : byte
{
    /// <summary>Searching for the last matching index: one AppendEntries per heartbeat until an answer.</summary>
    Probe = 0,

    /// <summary>Streaming: AppendEntries pipelined up to the inflight window.</summary>
    Replicate = 1,

    /// <summary>Sending a snapshot, one chunk at a time.</summary>
    Snapshot = 2,
}
