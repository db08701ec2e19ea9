using System.Security.Cryptography;
using Synod.Consensus.Pbft;

namespace Synod.Simulation.Pbft;

/// <summary>
/// Signatures for simulation: HMAC-SHA256 under a per-replica secret derived from the seed. A
/// Byzantine replica can sign as itself (it holds its own key) but not as anyone else, which is
/// all the protocol assumes of signatures; it is much faster than ECDSA, so runs stay cheap.
/// </summary>
internal sealed class SimulatedAuthenticator(ReplicaIndex self, byte[][] secrets) : IPbftAuthenticator
{
    public static byte[][] Secrets(ulong seed, int count) =>
        Enumerable.Range(0, count).Select(i => SHA256.HashData(BitConverter.GetBytes(seed * 31 + (ulong)i))).ToArray();

    /// <summary>The MAC key client <paramref name="client"/> shares with replica <paramref name="replica"/> in a run.</summary>
    public static byte[] ClientKey(ulong seed, ulong client, int replica) =>
        SHA256.HashData(BitConverter.GetBytes((seed * 7919) + (client * 104729) + (ulong)replica));

    public ulong Seed { get; init; }

    public bool VerifyClient(ClientRequest request) => ClientMac.Verify(request, self, ClientKey(Seed, request.Client, self.Value));

    public byte[] Sign(ReadOnlySpan<byte> data) => HMACSHA256.HashData(secrets[self.Value], data);

    public bool Verify(ReplicaIndex signer, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        signer.Value >= 0 && signer.Value < secrets.Length
        && CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(secrets[signer.Value], data));
}
