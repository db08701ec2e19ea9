using System.Diagnostics;

namespace Synod.Silo.Dashboard;

/// <summary>The process's CPU use between two samples, in percent of one core, and its memory now.</summary>
internal sealed class ProcessSampler : IDisposable
{
    private readonly Process _process = Process.GetCurrentProcess();
    private readonly Lock _lock = new();
    private TimeSpan _lastCpu;
    private long _lastStamp;

    public ProcessSampler()
    {
        _lastCpu = _process.TotalProcessorTime;
        _lastStamp = Stopwatch.GetTimestamp();
    }

    /// <summary>CPU since the previous call (percent of one core), working set and managed heap bytes.</summary>
    public (double CpuPercent, long WorkingSetBytes, long ManagedHeapBytes) Sample()
    {
        lock (_lock)
        {
            TimeSpan cpu = _process.TotalProcessorTime;
            long stamp = Stopwatch.GetTimestamp();
            double wall = Stopwatch.GetElapsedTime(_lastStamp, stamp).TotalSeconds;
            double percent = wall <= 0 ? 0 : (cpu - _lastCpu).TotalSeconds / wall * 100;
            _lastCpu = cpu;
            _lastStamp = stamp;
            return (Math.Round(percent, 1), Environment.WorkingSet, GC.GetTotalMemory(forceFullCollection: false));
        }
    }

    public void Dispose() => _process.Dispose();
}
