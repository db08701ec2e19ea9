using Synod.Consensus.Raft;
using Synod.Consensus.Tests.Harness;

namespace Synod.Consensus.Tests;

public sealed class SnapshotTests
{
    private const int ChunkBytes = 16;

    private static readonly Func<RaftConfig, RaftConfig> SmallChunks = c => c with { MaxSnapshotChunkBytes = ChunkBytes };

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    public void A_follower_down_past_the_compaction_catches_up_from_a_chunked_snapshot(ulong seed)
    {
        // Proves log compaction and InstallSnapshot (paper §7): a follower whose next entry the leader discarded receives the snapshot in several chunks, installs it and ends with the same state and log.
        var cluster = new TestCluster(3, seed, SmallChunks);
        var leader = cluster.WaitForLeader();
        var lagging = cluster.Followers(leader).First();
        cluster.Propose(leader, "early");
        cluster.Stabilize();
        cluster.Crash(lagging);

        var expected = new List<string> { "early" };
        for (var i = 0; i < 20; i++)
        {
            expected.Add($"cmd-{i:D2}");
            cluster.Propose(leader, expected[^1]);
            cluster.Stabilize();
        }

        var snapshot = cluster.Compact(leader);
        Assert.Equal(cluster.Node(leader).CommitIndex, snapshot.Index);
        Assert.Equal(snapshot, cluster.Node(leader).GetStatus().SnapshotLast);
        Assert.False(cluster.Node(leader).TryGetEntry(snapshot.Index, out _));
        var snapshotBytes = cluster.Storage(leader).Snapshot.Data.Length;
        Assert.True(snapshotBytes > 3 * ChunkBytes, $"snapshot of {snapshotBytes} bytes is too small to need several chunks");
        cluster.Propose(leader, "after compaction");
        cluster.Stabilize();
        expected.Add("after compaction");

        cluster.Restart(lagging);
        cluster.TickAll(2);

        var chunks = cluster.Delivered.OfType<InstallSnapshot>().Where(m => m.To.Value == lagging).ToArray();
        Assert.Equal((snapshotBytes + ChunkBytes - 1) / ChunkBytes, chunks.Length);
        Assert.All(chunks, c => Assert.True(c.Chunk.Length <= ChunkBytes));
        Assert.Equal(Enumerable.Range(0, chunks.Length).Select(i => (long)i * ChunkBytes), chunks.Select(c => c.Offset));
        Assert.True(chunks[^1].IsLastChunk);
        Assert.Equal(snapshot, cluster.Storage(lagging).Snapshot.Metadata.Last);
        Assert.Equal(snapshot, cluster.Node(lagging).GetStatus().SnapshotLast);
        Assert.Equal(cluster.Node(leader).LastPosition, cluster.Node(lagging).LastPosition);
        Assert.Equal(cluster.Node(leader).CommitIndex, cluster.Node(lagging).CommitIndex);
        Assert.Equal(expected, cluster.Applied(lagging));
        Assert.Equal(expected, cluster.Applied(leader));
    }

    [Fact]
    public void A_compacted_replica_restarts_from_its_snapshot_and_log()
    {
        // Proves that storage written through Compact and Ready is enough to restart: the state machine is rebuilt from the snapshot, the entries after it are reapplied, and the replica rejoins.
        var cluster = new TestCluster(3, seed: 3, SmallChunks);
        var leader = cluster.WaitForLeader();
        for (var i = 0; i < 5; i++)
        {
            cluster.Propose(leader, $"before-{i}");
        }

        cluster.Stabilize();
        var snapshot = cluster.Compact(leader);
        cluster.Propose(leader, "after-0");
        cluster.Propose(leader, "after-1");
        cluster.Stabilize();
        var expected = cluster.Applied(leader).ToArray();

        cluster.Crash(leader);
        cluster.Restart(leader);

        Assert.Equal(snapshot, cluster.Node(leader).GetStatus().SnapshotLast);
        Assert.Equal(snapshot.Index, cluster.Node(leader).AppliedIndex);
        // Any replica may lead next, the restarted one included: it holds the whole log.
        var newLeader = cluster.WaitForLeader();
        cluster.Propose(newLeader, "later");
        cluster.TickAll(2);
        Assert.Equal([.. expected, "later"], cluster.Applied(leader));
        Assert.Equal(newLeader, cluster.Node(leader).Leader.Value);
    }

    [Fact]
    public void A_learner_added_after_compaction_is_seeded_by_a_snapshot()
    {
        // Proves that a brand-new replica whose log would start before the leader's snapshot is sent the snapshot, including the membership it covers, and then the rest of the log.
        var cluster = new TestCluster(3, seed: 4, SmallChunks);
        var leader = cluster.WaitForLeader();
        for (var i = 0; i < 8; i++)
        {
            cluster.Propose(leader, $"cmd-{i}");
        }

        cluster.Stabilize();
        var snapshot = cluster.Compact(leader);
        Assert.True(cluster.Node(leader).ProposeMembershipChange(new MembershipChange(MembershipChangeKind.AddLearner, new ReplicaId(4))).Accepted);
        cluster.Propose(leader, "after");
        cluster.Stabilize();

        cluster.AddReplica(4);
        cluster.TickAll(2);

        Assert.Equal(snapshot, cluster.Storage(4).Snapshot.Metadata.Last);
        Assert.Equal(Membership.OfVoters(new(1), new(2), new(3)), cluster.Storage(4).Snapshot.Metadata.Membership);
        Assert.True(cluster.Node(4).Membership.IsLearner(new ReplicaId(4)));
        Assert.Equal(cluster.Applied(leader), cluster.Applied(4));
        Assert.Equal(cluster.Node(leader).LastPosition, cluster.Node(4).LastPosition);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_snapshot_transfer_survives_a_lost_chunk_or_a_lost_acknowledgement(bool loseAcknowledgement)
    {
        // Proves that the chunked transfer is resumable: after half an election timeout the leader resends, and the follower, which accepts only the chunk at the offset it expects, rebuilds the exact snapshot even when it sees a chunk twice.
        var cluster = new TestCluster(3, seed: 5, SmallChunks);
        var leader = cluster.WaitForLeader();
        var lagging = cluster.Followers(leader).First();
        cluster.Crash(lagging);
        for (var i = 0; i < 10; i++)
        {
            cluster.Propose(leader, $"cmd-{i}");
            cluster.Stabilize();
        }

        cluster.Compact(leader);
        cluster.Restart(lagging);
        var lost = false;
        cluster.DropIf = m =>
        {
            var victim = loseAcknowledgement
                ? m is InstallSnapshotResponse { NextOffset: 2 * ChunkBytes, Installed: false } && m.From.Value == lagging
                : m is InstallSnapshot { Offset: 2 * ChunkBytes } && m.To.Value == lagging;
            if (lost || !victim)
            {
                return false;
            }

            lost = true;
            return true;
        };

        cluster.TickAll(2);
        Assert.True(lost);
        Assert.Empty(cluster.Applied(lagging));

        cluster.TickAll(cluster.Config(leader).ElectionTimeoutTicks / 2);

        // A lost chunk is delivered once, when resent; after a lost acknowledgement the follower
        // sees the chunk it already holds a second time and must not append it again.
        var resent = loseAcknowledgement ? ChunkBytes : 2 * ChunkBytes;
        Assert.Equal(loseAcknowledgement ? 2 : 1, cluster.CountDelivered<InstallSnapshot>(m => m.To.Value == lagging && m.Offset == resent));
        Assert.Equal(cluster.Applied(leader), cluster.Applied(lagging));
        Assert.Equal(cluster.Node(leader).LastPosition, cluster.Node(lagging).LastPosition);
    }

    [Fact]
    public void A_snapshot_carries_the_membership_in_force_at_its_index()
    {
        // Proves that compaction keeps the configuration (paper §7, thesis §5.1): a replica restored from a snapshot taken after a membership change knows that change, though the entry itself is gone.
        var cluster = new TestCluster(3, seed: 6, SmallChunks);
        var leader = cluster.WaitForLeader();
        var removed = cluster.Followers(leader).Last();
        Assert.True(cluster.Node(leader).ProposeMembershipChange(new MembershipChange(MembershipChangeKind.RemoveReplica, new ReplicaId(removed))).Accepted);
        cluster.Stabilize();
        Assert.True(cluster.Node(leader).ProposeMembershipChange(new MembershipChange(MembershipChangeKind.AddLearner, new ReplicaId(4))).Accepted);
        for (var i = 0; i < 5; i++)
        {
            cluster.Propose(leader, $"cmd-{i}");
        }

        cluster.Stabilize();
        cluster.Compact(leader);
        var expected = Membership.Create(
            cluster.Ids.Where(id => id != removed).Select(id => new ReplicaId(id)),
            [new ReplicaId(4)]);
        Assert.Equal(expected, cluster.Storage(leader).Snapshot.Metadata.Membership);

        cluster.AddReplica(4);
        cluster.TickAll(2);

        Assert.Equal(expected, cluster.Storage(4).Snapshot.Metadata.Membership);
        Assert.Equal(expected, cluster.Node(4).Membership);
        Assert.Equal(cluster.Applied(leader), cluster.Applied(4));

        // The leader restarts from its compacted storage with the same membership.
        cluster.Crash(leader);
        cluster.Restart(leader);
        Assert.Equal(expected, cluster.Node(leader).Membership);
    }

    [Fact]
    public void A_follower_that_already_holds_the_snapshot_index_keeps_its_log()
    {
        // Proves the InstallSnapshot shortcut (paper §7): a follower whose log already contains the snapshot's last entry keeps its entries, learns they are committed and applies them itself instead of discarding its log.
        var cluster = new TestCluster(3, seed: 7, SmallChunks);
        var leader = cluster.WaitForLeader();
        var follower = cluster.Followers(leader).First();

        // The follower receives everything but its acknowledgements are lost, so the leader believes it lags.
        cluster.Cut(follower, leader);
        for (var i = 0; i < 6; i++)
        {
            cluster.Propose(leader, $"cmd-{i}");
            cluster.Stabilize();
        }

        var snapshot = cluster.Compact(leader);
        Assert.True(cluster.Node(follower).TryGetTerm(snapshot.Index, out var term) && term == snapshot.Term);
        Assert.True(cluster.Node(follower).CommitIndex < snapshot.Index);
        var firstKept = cluster.Storage(follower).Entries[0].Index;

        // Then it misses two commands, so the leader's next append is rejected and the leader falls
        // back to what it knows the follower holds, which is now inside the snapshot.
        cluster.Disconnect(leader, follower);
        cluster.Propose(leader, "missed-1");
        cluster.Propose(leader, "missed-2");
        cluster.Stabilize();
        cluster.Heal();
        cluster.TickAll(2);

        Assert.True(cluster.CountDelivered<InstallSnapshot>(m => m.To.Value == follower) > 0, "the leader never sent the snapshot");
        Assert.Equal(LogIndex.Zero, cluster.Storage(follower).Snapshot.Metadata.Index);
        Assert.Equal(firstKept, cluster.Storage(follower).Entries[0].Index);
        Assert.Equal(cluster.Applied(leader), cluster.Applied(follower));
        Assert.Equal(cluster.Node(leader).CommitIndex, cluster.Node(follower).CommitIndex);
    }

    [Fact]
    public void A_follower_restarted_during_a_transfer_receives_the_snapshot_from_the_start()
    {
        // Proves that a half-received snapshot is not durable state: a follower that crashes mid-transfer answers the next chunk with offset 0 and the leader starts the transfer over.
        var cluster = new TestCluster(3, seed: 8, SmallChunks);
        var leader = cluster.WaitForLeader();
        var lagging = cluster.Followers(leader).First();
        cluster.Crash(lagging);
        for (var i = 0; i < 10; i++)
        {
            cluster.Propose(leader, $"cmd-{i}");
            cluster.Stabilize();
        }

        cluster.Compact(leader);
        cluster.Restart(lagging);
        cluster.Tick(leader);
        Assert.True(cluster.Stabilize(until: () => cluster.CountDelivered<InstallSnapshot>(m => m.To.Value == lagging && m.Offset == 2 * ChunkBytes) == 1));

        cluster.Crash(lagging);
        cluster.Restart(lagging);
        cluster.Stabilize();
        cluster.TickAll(cluster.Config(leader).ElectionTimeoutTicks);

        Assert.Equal(2, cluster.CountDelivered<InstallSnapshot>(m => m.To.Value == lagging && m.Offset == 0));
        Assert.Equal(cluster.Applied(leader), cluster.Applied(lagging));
        Assert.Equal(cluster.Node(leader).LastPosition, cluster.Node(lagging).LastPosition);
    }
}
