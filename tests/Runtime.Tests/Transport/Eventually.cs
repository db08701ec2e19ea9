using System.Diagnostics;
using Xunit.Sdk;

namespace Synod.Runtime.Tests.Transport;

/// <summary>Waits for a condition with a deadline, so tests assert on states rather than on elapsed time.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    public static async Task HoldsAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? DefaultTimeout;
        var elapsed = Stopwatch.StartNew();
        while (!condition())
        {
            if (elapsed.Elapsed > limit)
            {
                throw new XunitException($"Timed out after {limit} waiting until {what}.");
            }

            await Task.Delay(10);
        }
    }
}
