using System.Collections.Immutable;
using Synod.Consensus.Pbft;

namespace Synod.Consensus.Tests.Pbft;

public sealed class PbftReplicaTests
{
    private static readonly string[] OneRequest = ["1:7@1"];

    [Fact]
    public void NormalCaseExecutesTheSameRequestsInTheSameOrderEverywhere()
    {
        // Proves the normal case: pre-prepare, 2f prepares, 2f+1 commits, in-order execution at all 3f+1 replicas.
        var cluster = new PbftTestCluster(4);
        cluster.Replicas[0].Submit(PbftTestCluster.Request(7, 1));
        cluster.Stabilize();

        Assert.All(cluster.Executed, executed => Assert.Equal(OneRequest, executed));
    }

    [Fact]
    public void ManyRequestsShareOnePrePrepare()
    {
        // Proves batching: requests queued before the primary's next Ready go out in one pre-prepare.
        var cluster = new PbftTestCluster(4);
        for (ulong c = 1; c <= 50; c++)
        {
            cluster.Replicas[0].Submit(PbftTestCluster.Request(c, 1));
        }

        cluster.Stabilize();

        Assert.All(cluster.Executed, executed => Assert.Equal(50, executed.Count));
        Assert.All(cluster.Executed, executed => Assert.All(executed, e => Assert.StartsWith("1:", e, StringComparison.Ordinal)));
        Assert.Equal(new SequenceNumber(1), cluster.Replicas[3].LastExecuted);
    }

    [Fact]
    public void ARepeatedTimestampIsNotProposedAgain()
    {
        // Proves exactly-once at the core: a request already executed is refused on resubmission.
        var cluster = new PbftTestCluster(4);
        var request = PbftTestCluster.Request(7, 1);
        cluster.Replicas[0].Submit(request);
        cluster.Stabilize();

        Assert.False(cluster.Replicas[0].Submit(request));
        cluster.Stabilize();
        Assert.All(cluster.Executed, executed => Assert.Single(executed));
    }

    [Fact]
    public void CheckpointsBecomeStableAndMoveTheWatermarks()
    {
        // Proves checkpoints: after 8 sequence numbers with K = 4, 2f+1 matching checkpoint messages make 8 stable everywhere.
        var cluster = new PbftTestCluster(4, checkpointInterval: 4);
        for (ulong t = 1; t <= 8; t++)
        {
            cluster.Replicas[0].Submit(PbftTestCluster.Request(1, t));
            cluster.Stabilize();
        }

        Assert.All(cluster.Replicas, r => Assert.Equal(new SequenceNumber(8), r.StableCheckpoint));
        Assert.All(cluster.Replicas, r => Assert.Equal(new SequenceNumber(8), r.LastExecuted));
    }

    [Fact]
    public void TheWatermarksBoundHowFarThePrimaryRunsAhead()
    {
        // Proves the high watermark: without checkpoints the primary stops assigning sequence numbers at h + L.
        var cluster = new PbftTestCluster(4, checkpointInterval: 4);
        var primary = cluster.Replicas[0];
        for (ulong t = 1; t <= 30; t++)
        {
            primary.Submit(PbftTestCluster.Request(t, 1));
            var ready = primary.TakeReady();
            Assert.True(ready.Messages.Length <= 1);
        }

        // L = 16: sequence numbers 1..16 were assigned, the rest wait.
        Assert.False(primary.HasReady);
    }

    [Fact]
    public void ASilentPrimaryIsVotedOutAndTheRequestStillExecutes()
    {
        // Proves view change: backups that cannot get a request executed move to view 1, whose primary executes it.
        var cluster = new PbftTestCluster(4, timeoutTicks: 5);
        cluster.Silent.Add(0);
        cluster.SubmitToAll(PbftTestCluster.Request(7, 1));
        cluster.Stabilize();
        Assert.All(cluster.Executed.Skip(1), executed => Assert.Empty(executed));

        cluster.TickAll(12);

        Assert.All(cluster.Replicas.Skip(1), r => Assert.Equal(new View(1), r.View));
        Assert.All(cluster.Replicas.Skip(1), r => Assert.False(r.IsViewChanging));
        Assert.All(cluster.Executed.Skip(1), executed => Assert.Equal(OneRequest, executed));
    }

    [Fact]
    public void AnEquivocatingPrimaryCannotMakeReplicasDisagree()
    {
        // Proves safety against a primary that sends a different batch for one sequence number to one
        // backup: no correct replica executes the other batch, the correct histories are prefixes of one
        // another, and the replicas that saw the same batch still commit it.
        var cluster = new PbftTestCluster(4, timeoutTicks: 5);
        cluster.Filter = (from, to, message) =>
        {
            if (from == 0 && message is PrePrepare pp && to == 3)
            {
                var other = ImmutableArray.Create(PbftTestCluster.Request(99, 1));
                return ForgeAsPrimary(pp with { Batch = other, Digest = PbftEncoding.BatchDigest(other) });
            }

            return message;
        };
        cluster.SubmitToAll(PbftTestCluster.Request(7, 1));
        cluster.Stabilize();
        cluster.Filter = null;
        cluster.TickAll(30);

        Assert.All(cluster.Executed, executed => Assert.DoesNotContain("1:99@1", executed));
        Assert.Equal(OneRequest, cluster.Executed[1]);
        Assert.Equal(OneRequest, cluster.Executed[2]);

        // The deceived backup executes nothing it cannot prove; it catches up by state transfer (not yet built).
        Assert.Empty(cluster.Executed[3]);
    }

    [Fact]
    public void AMessageWithABadSignatureIsDroppedAndCounted()
    {
        // Proves authentication: a pre-prepare whose batch was altered in flight (signature no longer matches) is never acted on.
        var cluster = new PbftTestCluster(4, timeoutTicks: 1000);
        cluster.Filter = (from, to, message) => message is PrePrepare pp
            ? pp with { Batch = ImmutableArray.Create(PbftTestCluster.Request(99, 1)), Digest = PbftEncoding.BatchDigest(ImmutableArray.Create(PbftTestCluster.Request(99, 1))) }
            : message;
        cluster.Replicas[0].Submit(PbftTestCluster.Request(7, 1));
        cluster.Stabilize();

        Assert.All(cluster.Executed, executed => Assert.Empty(executed));
        Assert.All(cluster.Replicas.Skip(1), r => Assert.Equal(1, r.Counters.BadSignatures));
    }

    [Fact]
    public void ARequestWithoutTheClientsAuthenticatorIsNeverExecuted()
    {
        // Proves client authentication: a faulty backup relaying, or a faulty primary proposing, a request in a client's name without that client's MACs gets nowhere.
        var cluster = new PbftTestCluster(4, timeoutTicks: 1000);
        var forged = new ClientRequest(7, 99, System.Text.Encoding.UTF8.GetBytes("steal")) { Authenticator = new byte[4 * ClientMac.MacBytes] };

        Assert.False(cluster.Replicas[0].Submit(forged));
        cluster.Replicas[0].Step(ForgeAs(1, new ForwardedRequest(new ReplicaIndex(1), forged)));
        var batch = ImmutableArray.Create(forged);
        cluster.Replicas[1].Step(ForgeAsPrimary(new PrePrepare(new ReplicaIndex(0), new View(0), new SequenceNumber(1), PbftEncoding.BatchDigest(batch), batch)));
        cluster.Stabilize();

        Assert.All(cluster.Executed, executed => Assert.Empty(executed));
        Assert.Equal(2, cluster.Replicas[0].Counters.BadClientAuthenticators);
        Assert.Equal(1, cluster.Replicas[1].Counters.BadClientAuthenticators);
    }

    private static T ForgeAs<T>(int replica, T message)
        where T : PbftMessage
    {
        var key = TestKeys.For(replica);
        return message with { Signature = key.Sign(PbftEncoding.SigningBytes(message)) };
    }

    [Fact]
    public void VotesForEverLaterViewsFromOneReplicaUseBoundedMemory()
    {
        // Proves a faulty replica cannot grow another replica's memory by voting for view after view: only a few future votes per sender are kept.
        var cluster = new PbftTestCluster(4, timeoutTicks: 1000);
        for (ulong view = 1; view <= 500; view++)
        {
            cluster.Replicas[0].Step(ForgeAs(3, new ViewChange(new ReplicaIndex(3), new View(view), default, default, [], [])));
        }

        Assert.InRange(cluster.Replicas[0].HeldViewChangeVotes, 1, 4);
        Assert.Equal(new View(0), cluster.Replicas[0].View);
    }

    [Fact]
    public void AForgedDigestIsDroppedAndCounted()
    {
        // Proves a correctly signed pre-prepare whose digest does not match its batch is refused.
        var cluster = new PbftTestCluster(4, timeoutTicks: 1000);
        cluster.Filter = (from, to, message) => message is PrePrepare pp
            ? ForgeAsPrimary(pp with { Batch = ImmutableArray.Create(PbftTestCluster.Request(99, 1)) })
            : message;
        cluster.Replicas[0].Submit(PbftTestCluster.Request(7, 1));
        cluster.Stabilize();

        Assert.All(cluster.Executed, executed => Assert.Empty(executed));
        Assert.All(cluster.Replicas.Skip(1), r => Assert.Equal(1, r.Counters.DigestMismatches));
    }

    [Fact]
    public void RequestsCommittedBeforeAViewChangeKeepTheirSequenceNumbers()
    {
        // Proves view changes carry prepared certificates: what executed in view 0 executes at the same sequence number in view 1, and later requests follow it.
        var cluster = new PbftTestCluster(4, timeoutTicks: 5);
        cluster.Replicas[0].Submit(PbftTestCluster.Request(1, 1));
        cluster.Stabilize();
        cluster.Silent.Add(0);
        cluster.SubmitToAll(PbftTestCluster.Request(2, 1));
        cluster.Stabilize();
        cluster.TickAll(12);

        Assert.All(cluster.Executed.Skip(1), executed => Assert.Equal(["1:1@1", "2:2@1"], executed));
    }

    private static PrePrepare ForgeAsPrimary(PrePrepare message)
    {
        // Re-sign with the primary's own key: the primary itself is the Byzantine party here.
        var primary = TestKeys.For(0);
        return message with { Signature = primary.Sign(PbftEncoding.SigningBytes(message)) };
    }
}

public sealed class PbftDurabilityTests
{
    [Fact]
    public void ARestartedBackupRemembersWhatItPreparedAndRefusesASecondBatch()
    {
        // Proves the durable state is enough to stay correct across a crash: a backup restarted from what it persisted keeps the pre-prepare it accepted, so a conflicting one for the same view and sequence number is refused as equivocation.
        var cluster = new PbftTestCluster(4, timeoutTicks: 1000);
        cluster.Silent.Add(2);
        cluster.Silent.Add(3);
        cluster.Replicas[0].Submit(PbftTestCluster.Request(7, 1));
        cluster.Stabilize();
        var backup = cluster.Replicas[1];
        var durable = backup.ExportDurableState();
        Assert.NotNull(durable.Slots.Single().PrePrepare);
        Assert.NotNull(durable.Slots.Single().OwnPrepare);

        var restarted = new PbftReplica(
            new PbftConfig { ReplicaCount = 4, Id = new ReplicaIndex(1), CheckpointInterval = 4, WatermarkWindow = 16, RequestTimeoutTicks = 1000, MaxViewChangeTimeoutTicks = 64000 },
            TestKeys.For(1),
            durable,
            new SequenceNumber(0),
            new Dictionary<ulong, ulong>());
        var other = ImmutableArray.Create(PbftTestCluster.Request(99, 1));
        var conflicting = new PrePrepare(new ReplicaIndex(0), new View(0), new SequenceNumber(1), PbftEncoding.BatchDigest(other), other);
        conflicting = conflicting with { Signature = TestKeys.For(0).Sign(PbftEncoding.SigningBytes(conflicting)) };

        restarted.Step(conflicting);

        Assert.Equal(1, restarted.Counters.Equivocations);
        Assert.DoesNotContain(restarted.TakeReady().Messages, m => m.Message is Prepare p && p.Digest == conflicting.Digest);
    }

    [Fact]
    public void AReplicaMoreThanAWindowBehindLearnsTheStableCheckpointFromTheNextOneAndCatchesUp()
    {
        // Proves catch-up past the watermarks: a backup cut off while the others ran two windows ahead drops their pre-prepares (outside its window) but, from 2f+1 matching checkpoint messages beyond its high watermark, takes the group's next checkpoint as stable, fetches the state at it and executes the requests after it like the others.
        var cluster = new PbftTestCluster(4, checkpointInterval: 4, timeoutTicks: 1000);
        cluster.Filter = (_, to, message) => to == 3 ? null : message;
        for (ulong t = 1; t <= 32; t++)
        {
            cluster.Replicas[0].Submit(PbftTestCluster.Request(1, t));
            cluster.Stabilize();
        }

        Assert.Equal(new SequenceNumber(32), cluster.Replicas[0].StableCheckpoint);
        Assert.Equal(new SequenceNumber(0), cluster.Replicas[3].StableCheckpoint);

        cluster.Filter = null;
        for (ulong t = 33; t <= 37; t++)
        {
            cluster.Replicas[0].Submit(PbftTestCluster.Request(1, t));
            cluster.Stabilize();
        }

        Assert.Equal(new SequenceNumber(36), cluster.Replicas[3].StableCheckpoint);
        Assert.Contains((3, new SequenceNumber(36)), cluster.Transfers);
        Assert.Equal(new SequenceNumber(37), cluster.Replicas[3].LastExecuted);
        Assert.Equal(cluster.Executed[0], cluster.Executed[3]);
    }

    [Fact]
    public void ABackupThatMissedDecidedSlotsGetsThemRetransmittedAndExecutesWithoutAViewChange()
    {
        // Proves the targeted retransmission: a backup cut off while three slots were decided (no checkpoint yet) is sent, once it is reachable again, the pre-prepares, prepares and commits of the slots it lacks, and executes them in the same view, so it never waits on those requests until its timer deposes a correct primary.
        var cluster = new PbftTestCluster(4, checkpointInterval: 4, timeoutTicks: 1000);
        cluster.Filter = (_, to, message) => to == 3 ? null : message;
        for (ulong t = 1; t <= 3; t++)
        {
            cluster.Replicas[0].Submit(PbftTestCluster.Request(1, t));
            cluster.Stabilize();
        }

        Assert.Empty(cluster.Executed[3]);

        cluster.Filter = null;
        cluster.TickAll(5);

        Assert.Equal(cluster.Executed[0], cluster.Executed[3]);
        Assert.Equal(new View(0), cluster.Replicas[3].View);
        Assert.False(cluster.Replicas[3].IsViewChanging);
    }

    [Fact]
    public void AReplicaLeftInAnOlderViewJoinsTheCurrentOneFromTheNewViewMessage()
    {
        // Proves a replica cut off through a view change catches up on the view at once: the old primary, back in view 0 and still proposing there, is answered by a backup with the new-view message of view 1 (backups keep the one they accepted), joins view 1 without a timeout of its own, and its client's request executes everywhere.
        var cluster = new PbftTestCluster(4, timeoutTicks: 5);
        cluster.Filter = (from, to, message) => from == 0 || to == 0 ? null : message;
        foreach (var backup in cluster.Replicas.Skip(1))
        {
            backup.Submit(PbftTestCluster.Request(7, 1));
        }

        cluster.TickAll(12);
        Assert.All(cluster.Replicas.Skip(1), r => Assert.Equal(new View(1), r.View));
        Assert.Equal(new View(0), cluster.Replicas[0].View);

        cluster.Filter = (from, to, message) => from == 1 && to == 0 ? null : message;
        cluster.Replicas[0].Submit(PbftTestCluster.Request(8, 1));
        cluster.Stabilize();

        Assert.Equal(new View(1), cluster.Replicas[0].View);
        Assert.False(cluster.Replicas[0].IsViewChanging);
        cluster.Filter = null;
        cluster.TickAll(6);
        Assert.All(cluster.Executed, executed => Assert.Contains(executed, e => e.EndsWith(":8@1", StringComparison.Ordinal)));
    }
}
