using Synod.Consensus.Raft;

namespace Synod.Consensus.Tests;

public sealed class InflightsTests
{
    [Fact]
    public void The_window_fills_up_to_its_capacity_and_refuses_more()
    {
        // Proves the bound on in-flight appends per follower: the window is full at capacity and adding beyond it is an invariant breach.
        var inflights = new Inflights(3);
        inflights.Add(new LogIndex(1));
        inflights.Add(new LogIndex(2));
        Assert.False(inflights.IsFull);

        inflights.Add(new LogIndex(3));

        Assert.True(inflights.IsFull);
        Assert.Equal(3, inflights.Count);
        Assert.Throws<InvariantViolationException>(() => inflights.Add(new LogIndex(4)));
    }

    [Fact]
    public void An_acknowledgement_frees_every_message_it_covers_in_order()
    {
        // Proves FreeUpTo: a match at index n releases exactly the messages whose last entry is at or below n.
        var inflights = new Inflights(4);
        inflights.Add(new LogIndex(2));
        inflights.Add(new LogIndex(5));
        inflights.Add(new LogIndex(9));

        inflights.FreeUpTo(new LogIndex(4));
        Assert.Equal(2, inflights.Count);
        inflights.FreeUpTo(new LogIndex(5));
        Assert.Equal(1, inflights.Count);
        inflights.FreeUpTo(new LogIndex(8));
        Assert.Equal(1, inflights.Count);
        inflights.FreeUpTo(new LogIndex(100));
        Assert.Equal(0, inflights.Count);
    }

    [Fact]
    public void The_ring_wraps_around()
    {
        // Proves the ring buffer keeps order across wrap-around: after many add/free cycles the oldest message is still freed first.
        var inflights = new Inflights(3);
        for (var i = 1UL; i <= 100; i++)
        {
            inflights.Add(new LogIndex(i));
            if (inflights.IsFull)
            {
                inflights.FreeUpTo(new LogIndex(i - 2));
                Assert.Equal(2, inflights.Count);
            }
        }

        inflights.FreeUpTo(new LogIndex(99));
        Assert.Equal(1, inflights.Count);
        inflights.FreeUpTo(new LogIndex(100));
        Assert.Equal(0, inflights.Count);
    }

    [Fact]
    public void FreeFirst_and_Reset_release_messages_without_an_acknowledgement()
    {
        // Proves the escape hatches used when acknowledgements were lost: FreeFirst releases the oldest message, Reset empties the window.
        var inflights = new Inflights(2);
        inflights.Add(new LogIndex(1));
        inflights.Add(new LogIndex(2));

        inflights.FreeFirst();
        Assert.Equal(1, inflights.Count);
        inflights.FreeUpTo(new LogIndex(1));
        Assert.Equal(1, inflights.Count);
        inflights.Reset();
        Assert.Equal(0, inflights.Count);
        inflights.FreeFirst();
        Assert.Equal(0, inflights.Count);
        inflights.Add(new LogIndex(7));
        inflights.Add(new LogIndex(8));
        Assert.True(inflights.IsFull);
    }
}
