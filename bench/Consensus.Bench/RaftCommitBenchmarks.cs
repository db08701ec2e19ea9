using BenchmarkDotNet.Attributes;

namespace Synod.Consensus.Bench;

/// <summary>
/// Entries committed per second through a three-replica group in memory. In
/// <see cref="OneProposalPerReady"/> every proposal is its own Ready cycle (propose, replicate,
/// acknowledge, commit, apply); in the batched cases many proposals share each message and each
/// Ready. Reported times and allocations are per committed entry.
/// </summary>
[MemoryDiagnoser]
public class RaftCommitBenchmarks
{
    private const int Rounds = 64;
    private readonly byte[] _command = new byte[16];
    private InMemoryGroup _group = null!;

    [GlobalSetup]
    public void Setup() => _group = new InMemoryGroup(3);

    [Benchmark(OperationsPerInvoke = Rounds)]
    public long OneProposalPerReady() => Run(1);

    [Benchmark(OperationsPerInvoke = Rounds * 64)]
    public long BatchesOf64() => Run(64);

    [Benchmark(OperationsPerInvoke = Rounds * 256)]
    public long BatchesOf256() => Run(256);

    private long Run(int batch)
    {
        for (var i = 0; i < Rounds; i++)
        {
            for (var p = 0; p < batch; p++)
            {
                _group.Leader.Propose(_command);
            }

            _group.Stabilize();
        }

        return _group.Applied;
    }
}
