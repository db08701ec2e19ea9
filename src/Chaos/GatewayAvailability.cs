namespace Synod.Chaos;

/// <summary>
/// Writes through one silo's gateway alone during the availability scenario's cut: the one-second
/// windows counted (from the cut's installation, the first left out), those in which at least one
/// write through this gateway succeeded, the writes that succeeded and failed during the cut, and
/// the counted windows without a successful write (0 is the one starting at the cut), and whether
/// the uncounted first window had one.
/// </summary>
public sealed record GatewayAvailability(int Silo, string Role, int Windows, int WindowsWithWrite, int WritesOk, int WritesFailed, IReadOnlyList<int> MissedWindows, bool FirstWindowServed)
{
    /// <summary>The share of counted windows with a successful write (0 when none was counted).</summary>
    public double Share => Windows == 0 ? 0 : (double)WindowsWithWrite / Windows;

    /// <summary>
    /// Measures one gateway: windows [cut + k, cut + k + 1) for k from <paramref name="skippedWindows"/>
    /// up to the last whole window before <paramref name="healedAt"/>; a window counts as served when a
    /// write that succeeded completed in it. Times in seconds since the run began.
    /// </summary>
    public static GatewayAvailability Measure(int silo, string role, IReadOnlyCollection<(double Completed, bool Ok)> writes, double cutAt, double healedAt, int skippedWindows)
    {
        ArgumentNullException.ThrowIfNull(writes);
        int whole = (int)Math.Floor(healedAt - cutAt);
        var served = new bool[Math.Max(whole, 0)];
        int ok = 0;
        int failed = 0;
        foreach ((double completed, bool succeeded) in writes.Where(w => w.Completed >= cutAt && w.Completed < healedAt))
        {
            if (!succeeded)
            {
                failed++;
                continue;
            }

            ok++;
            int window = (int)Math.Floor(completed - cutAt);
            if (window < served.Length)
            {
                served[window] = true;
            }
        }

        int counted = Math.Max(served.Length - skippedWindows, 0);
        int[] missed = [.. Enumerable.Range(skippedWindows, counted).Where(k => !served[k])];
        return new GatewayAvailability(silo, role, counted, counted - missed.Length, ok, failed, missed, served.Length > 0 && served[0]);
    }
}
