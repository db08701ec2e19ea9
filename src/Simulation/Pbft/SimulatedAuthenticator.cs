using System.Security.Cryptography;
using Synod.Consensus.Pbft;

namespace Synod.Simulation.Pbft;

/// <summary>
/// Signatures for simulation and tests: HMAC-SHA256 under a per-replica secret derived from a
/// seed. A Byzantine replica can sign as itself (it holds its own key) but not as anyone else,
/// which is all the protocol assumes of signatures; it is much faster than ECDSA, so runs stay
/// cheap. Client requests carry per-replica MACs under keys also derived from the seed.
/// </summary>
public sealed class SimulatedAuthenticator : IPbftAuthenticator
{
    private readonly ReplicaIndex _self;
    private readonly ulong _seed;
    private readonly byte[][] _secrets;

    public SimulatedAuthenticator(ReplicaIndex self, ulong seed, int replicaCount)
    {
        _self = self;
        _seed = seed;
        _secrets = Enumerable.Range(0, replicaCount).Select(i => SHA256.HashData(BitConverter.GetBytes((seed * 31) + (ulong)i))).ToArray();
    }

    /// <summary>The MAC key client <paramref name="client"/> shares with replica <paramref name="replica"/> in a run.</summary>
    public static byte[] ClientKey(ulong seed, ulong client, int replica) =>
        SHA256.HashData(BitConverter.GetBytes((seed * 7919) + (client * 104729) + (ulong)replica));

    /// <summary>The request as its client would send it: with a MAC for every replica.</summary>
    public static ClientRequest SignAsClient(ulong seed, ClientRequest request, int replicaCount)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ClientMac.Authenticate(request, replicaCount, replica => ClientKey(seed, request.Client, replica));
    }

    public bool VerifyClient(ClientRequest request) => ClientMac.Verify(request, _self, ClientKey(_seed, request.Client, _self.Value));

    public byte[] Sign(ReadOnlySpan<byte> data) => HMACSHA256.HashData(_secrets[_self.Value], data);

    public bool Verify(ReplicaIndex signer, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        signer.Value >= 0 && signer.Value < _secrets.Length
        && CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(_secrets[signer.Value], data));
}
