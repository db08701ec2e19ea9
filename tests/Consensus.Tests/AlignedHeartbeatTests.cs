using Synod.Consensus.Raft;
using Synod.Consensus.Tests.Harness;

namespace Synod.Consensus.Tests;

/// <summary>Issue 6: with a host's shared tick count, leaders heartbeat in phase, so a host's heartbeats for many groups leave together.</summary>
public sealed class AlignedHeartbeatTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(2L)]
    [InlineData(3L)]
    public void A_leader_ticked_with_a_shared_count_heartbeats_on_its_multiples_of_the_heartbeat_period(long start)
    {
        // Proves that whatever phase a leader starts in, within one period it heartbeats exactly on the shared ticks that are multiples of HeartbeatTicks, once per period, and never goes longer than HeartbeatTicks ticks without one.
        var cluster = new TestCluster(3, seed: 7, c => c with { HeartbeatTicks = 4 });
        ulong leader = cluster.WaitForLeader();
        cluster.Stabilize();
        var beats = new List<long>();
        for (long tick = start; tick < start + 40; tick++)
        {
            int before = cluster.CountDelivered<Heartbeat>(h => h.From.Value == leader);
            cluster.Node(leader).Tick(tick);
            cluster.Stabilize();
            if (cluster.CountDelivered<Heartbeat>(h => h.From.Value == leader) > before)
            {
                beats.Add(tick);
            }
        }

        Assert.True(beats.Count >= 9, $"heartbeats on ticks {string.Join(',', beats)}");
        Assert.All(beats.Where(t => t >= start + 4), t => Assert.Equal(0, t % 4));
        Assert.All(beats.Zip(beats.Skip(1)), pair => Assert.InRange(pair.Second - pair.First, 1, 4));
        Assert.Equal(leader, cluster.Leader());
    }

    [Fact]
    public void Without_a_shared_count_a_leader_keeps_its_own_phase()
    {
        // Proves the plain Tick() is unchanged: heartbeats every HeartbeatTicks ticks counted from the leader's own last one, whatever the phase.
        var cluster = new TestCluster(3, seed: 7, c => c with { HeartbeatTicks = 4 });
        ulong leader = cluster.WaitForLeader();
        cluster.Stabilize();
        var beats = new List<int>();
        for (int tick = 0; tick < 40; tick++)
        {
            int before = cluster.CountDelivered<Heartbeat>(h => h.From.Value == leader);
            cluster.Node(leader).Tick();
            cluster.Stabilize();
            if (cluster.CountDelivered<Heartbeat>(h => h.From.Value == leader) > before)
            {
                beats.Add(tick);
            }
        }

        Assert.Equal(10, beats.Count);
        Assert.All(beats.Zip(beats.Skip(1)), pair => Assert.Equal(4, pair.Second - pair.First));
    }
}
