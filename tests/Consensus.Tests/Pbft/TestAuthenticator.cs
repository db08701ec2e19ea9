using System.Security.Cryptography;
using Synod.Consensus.Pbft;

namespace Synod.Consensus.Tests.Pbft;

/// <summary>
/// A fast authenticator for tests: replica i's signature is HMAC-SHA256 under a secret only the
/// test's key table knows, so a message altered in flight or claiming another sender fails.
/// </summary>
internal sealed class TestAuthenticator(ReplicaIndex self, byte[][] secrets) : IPbftAuthenticator
{
    public static byte[][] Secrets(int count) => Enumerable.Range(0, count).Select(i => SHA256.HashData(BitConverter.GetBytes(i + 1000))).ToArray();

    /// <summary>The MAC key client <paramref name="client"/> shares with replica <paramref name="replica"/>.</summary>
    public static byte[] ClientKey(ulong client, int replica) => SHA256.HashData(BitConverter.GetBytes((client * 1000) + (ulong)replica));

    public static ClientRequest SignAsClient(ClientRequest request, int replicaCount) =>
        ClientMac.Authenticate(request, replicaCount, replica => ClientKey(request.Client, replica));

    public bool VerifyClient(ClientRequest request) => ClientMac.Verify(request, self, ClientKey(request.Client, self.Value));

    public byte[] Sign(ReadOnlySpan<byte> data) => HMACSHA256.HashData(secrets[self.Value], data);

    public bool Verify(ReplicaIndex signer, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        signer.Value >= 0 && signer.Value < secrets.Length && signature.SequenceEqual(HMACSHA256.HashData(secrets[signer.Value], data));
}
