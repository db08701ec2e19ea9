namespace Synod.Chaos.Tests;

/// <summary>The availability figure's window arithmetic.</summary>
public sealed class GatewayAvailabilityTests
{
    [Fact]
    public void Windows_count_from_the_cut_leave_out_the_first_and_need_a_successful_write()
    {
        // Proves the windows are [cut + k, cut + k + 1) up to the last whole one before the heal, that the first is not counted, that failures and writes outside the cut do not serve a window, and that a gap shows as missed windows.
        (double, bool)[] writes = [(9.9, true), (10.2, false), (10.5, true), (11.3, true), (12.1, false), (13.0, true), (14.99, true), (15.2, true)];
        GatewayAvailability measured = GatewayAvailability.Measure(3, "cut", writes, cutAt: 10.0, healedAt: 15.5, skippedWindows: 1);

        Assert.Equal(4, measured.Windows);
        Assert.Equal([2], measured.MissedWindows);
        Assert.Equal(3, measured.WindowsWithWrite);
        Assert.Equal(0.75, measured.Share);
        Assert.True(measured.FirstWindowServed);
        Assert.Equal((5, 2), (measured.WritesOk, measured.WritesFailed));
    }
}
