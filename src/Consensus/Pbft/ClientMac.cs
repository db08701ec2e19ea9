using System.Security.Cryptography;

namespace Synod.Consensus.Pbft;

/// <summary>
/// Client request authenticators (Castro and Liskov, TOCS 2002 §3.2): a client shares a secret key
/// with each replica and attaches one HMAC-SHA256 per replica over the request, so every replica
/// checks its own entry and a faulty replica, holding only its own keys, cannot forge a request
/// that other replicas accept.
/// </summary>
public static class ClientMac
{
    public const int MacBytes = 32;

    /// <summary>The request with an authenticator vector made with <paramref name="keyForReplica"/> for replicas 0..n-1.</summary>
    public static ClientRequest Authenticate(ClientRequest request, int replicaCount, Func<int, byte[]> keyForReplica)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(keyForReplica);
        var data = PbftEncoding.RequestBytes(request);
        var vector = new byte[replicaCount * MacBytes];
        for (var i = 0; i < replicaCount; i++)
        {
            HMACSHA256.HashData(keyForReplica(i), data, vector.AsSpan(i * MacBytes, MacBytes));
        }

        return request with { Authenticator = vector };
    }

    /// <summary>Whether <paramref name="replica"/>'s entry of the request's authenticator verifies under <paramref name="key"/>.</summary>
    public static bool Verify(ClientRequest request, ReplicaIndex replica, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(request);
        var offset = replica.Value * MacBytes;
        if (replica.Value < 0 || request.Authenticator.Length < offset + MacBytes)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[MacBytes];
        HMACSHA256.HashData(key, PbftEncoding.RequestBytes(request), expected);
        return CryptographicOperations.FixedTimeEquals(expected, request.Authenticator.Span.Slice(offset, MacBytes));
    }
}
