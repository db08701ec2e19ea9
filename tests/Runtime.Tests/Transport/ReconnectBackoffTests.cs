using Synod.Runtime.Transport;

namespace Synod.Runtime.Tests.Transport;

public sealed class ReconnectBackoffTests
{
    // Delays double from the base to the maximum and stay there, each within [half, all] of its ceiling; a reset starts over.
    [Fact]
    public void Delays_grow_to_the_bound_with_jitter_and_reset()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));
        double[] ceilings = [100, 200, 400, 800, 1000, 1000, 1000];
        foreach (double ceiling in ceilings)
        {
            Assert.Equal(ceiling / 2, backoff.Next(0.0).TotalMilliseconds, precision: 3);
        }

        backoff.Reset();
        Assert.InRange(backoff.Next(0.9999).TotalMilliseconds, 99.99, 100.0);
        for (int i = 0; i < 100; i++)
        {
            Assert.InRange(backoff.Next(0.5), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));
        }
    }
}
