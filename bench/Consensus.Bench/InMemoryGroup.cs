using Synod.Consensus;
using Synod.Consensus.Raft;

namespace Synod.Consensus.Bench;

/// <summary>
/// A Raft group wired in memory with no I/O: Ready handling is "persist" (nothing), deliver, apply
/// (count), Advance. What it measures is the ceiling the core itself puts on throughput.
/// </summary>
internal sealed class InMemoryGroup
{
    private readonly RaftNode[] _nodes;
    private readonly Queue<RaftMessage> _network = new();

    public InMemoryGroup(int size)
    {
        var membership = Membership.Create(Enumerable.Range(1, size).Select(i => new ReplicaId((ulong)i)));
        _nodes = Enumerable.Range(1, size)
            .Select(i => RaftNode.CreateNew(
                new RaftConfig { Id = new ReplicaId((ulong)i), MaxInflightAppends = 256, MaxUncommittedEntries = 1 << 20 },
                new SplitMix64Random((ulong)i),
                membership))
            .ToArray();
        _nodes[0].Campaign();
        Stabilize();
        if (_nodes[0].Role != RaftRole.Leader)
        {
            throw new InvalidOperationException("replica 1 did not become leader");
        }
    }

    public RaftNode Leader => _nodes[0];

    /// <summary>Entries the leader has applied.</summary>
    public long Applied { get; private set; }

    /// <summary>Runs Ready cycles and deliveries until the group is quiet.</summary>
    public void Stabilize()
    {
        bool progressed;
        do
        {
            progressed = false;
            foreach (var node in _nodes)
            {
                if (!node.HasReady)
                {
                    continue;
                }

                var ready = node.TakeReady();
                foreach (var message in ready.Messages)
                {
                    _network.Enqueue(message);
                }

                if (ReferenceEquals(node, _nodes[0]))
                {
                    Applied += ready.CommittedEntries.Length;
                }

                node.Advance(ready);
                progressed = true;
            }

            while (_network.TryDequeue(out var message))
            {
                _nodes[(int)message.To.Value - 1].Step(message);
                progressed = true;
            }
        }
        while (progressed);

        // Keep memory flat over millions of entries: compact every replica's applied log.
        foreach (var node in _nodes)
        {
            if (node.AppliedIndex.Value > 0 && node.AppliedIndex.Value % 8192 < 256)
            {
                node.Compact(node.AppliedIndex, ReadOnlyMemory<byte>.Empty);
            }
        }
    }
}
