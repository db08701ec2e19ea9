using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Synod.Consensus.Pbft;

namespace Synod.Consensus.Bench;

/// <summary>
/// Requests per second through a four-replica PBFT group wired in memory, every replica message
/// signed and verified with ECDSA P-256 (the authenticator used for all messages, normal case
/// included) and every client request's MAC verified by every replica. Times and allocations are
/// per round of BatchSize requests.
/// </summary>
[MemoryDiagnoser]
public class PbftThroughputBenchmarks
{
    private const int Rounds = 8;
    private PbftReplica[] _replicas = null!;
    private EcdsaPbftAuthenticator[] _keys = null!;
    private readonly Queue<(int To, PbftMessage Message)> _network = new();
    private ulong _timestamp;

    [GlobalSetup]
    public void Setup()
    {
        var pairs = Enumerable.Range(0, 4).Select(_ => EcdsaPbftAuthenticator.GenerateKeyPair()).ToArray();
        var publicKeys = pairs.Select(p => p.PublicKey).ToArray();
        _keys = pairs.Select((p, i) => new EcdsaPbftAuthenticator(new ReplicaIndex(i), p.PrivateKey, publicKeys, client => ClientKey(client, i))).ToArray();
        _replicas = Enumerable.Range(0, 4)
            .Select(i => new PbftReplica(
                new PbftConfig { ReplicaCount = 4, Id = new ReplicaIndex(i), CheckpointInterval = 1 << 20, WatermarkWindow = 1 << 20, MaxBatchSize = 128 },
                _keys[i]))
            .ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }

    private const int Invocations = 32;
    private readonly Queue<ClientRequest> _signed = new();

    [Params(1, 16, 128)]
    public int BatchSize { get; set; }

    // Clients sign their requests before they reach the group: that work is the clients', so it
    // happens here, outside the measurement. Replicas still verify every request's MAC.
    [IterationSetup]
    public void SignRequests()
    {
        _signed.Clear();
        for (var i = 0; i < Invocations * Rounds * BatchSize; i++)
        {
            var request = new ClientRequest((ulong)(i % BatchSize), ++_timestamp, ReadOnlyMemory<byte>.Empty);
            _signed.Enqueue(ClientMac.Authenticate(request, 4, replica => ClientKey(request.Client, replica)));
        }
    }

    /// <summary>Rounds of BatchSize requests; divide the time by Rounds x BatchSize for one request.</summary>
    [Benchmark(OperationsPerInvoke = Rounds)]
    [InvocationCount(Invocations)]
    public int Rounds8()
    {
        var executed = 0;
        for (var round = 0; round < Rounds; round++)
        {
            for (var r = 0; r < BatchSize; r++)
            {
                _replicas[0].Submit(_signed.Dequeue());
            }

            executed += Stabilize();
        }

        return executed;
    }

    private static byte[] ClientKey(ulong client, int replica) => BitConverter.GetBytes((client * 31) + (ulong)replica + 1).Concat(new byte[24]).ToArray();

    private int Stabilize()
    {
        var executed = 0;
        bool progressed;
        do
        {
            progressed = false;
            for (var i = 0; i < _replicas.Length; i++)
            {
                if (!_replicas[i].HasReady)
                {
                    continue;
                }

                var ready = _replicas[i].TakeReady();
                progressed = true;
                executed += ready.Execute.Sum(b => b.Batch.Length);
                foreach (var outgoing in ready.Messages)
                {
                    for (var to = 0; to < _replicas.Length; to++)
                    {
                        if (to != i && (outgoing.To is not { } target || target.Value == to))
                        {
                            _network.Enqueue((to, outgoing.Message));
                        }
                    }
                }
            }

            while (_network.TryDequeue(out var item))
            {
                _replicas[item.To].Step(item.Message);
                progressed = true;
            }
        }
        while (progressed);
        return executed;
    }
}

/// <summary>The cost of authenticating one message: ECDSA P-256 sign and verify over a prepare's bytes.</summary>
[MemoryDiagnoser]
public class PbftAuthenticationBenchmarks
{
    private EcdsaPbftAuthenticator _key = null!;
    private byte[] _data = null!;
    private byte[] _signature = null!;

    [GlobalSetup]
    public void Setup()
    {
        var pair = EcdsaPbftAuthenticator.GenerateKeyPair();
        _key = new EcdsaPbftAuthenticator(new ReplicaIndex(0), pair.PrivateKey, [pair.PublicKey], _ => null);
        _data = PbftEncoding.SigningBytes(new Prepare(new ReplicaIndex(0), new View(3), new SequenceNumber(42), PbftEncoding.BatchDigest(ImmutableArray<ClientRequest>.Empty)));
        _signature = _key.Sign(_data);
    }

    [GlobalCleanup]
    public void Cleanup() => _key.Dispose();

    [Benchmark]
    public byte[] Sign() => _key.Sign(_data);

    [Benchmark]
    public bool Verify() => _key.Verify(new ReplicaIndex(0), _data, _signature);
}
