using System.Security.Cryptography;
using System.Text;

namespace Synod.Silo.Hosting;

/// <summary>
/// Proof that an HTTP request that changes the cluster's membership comes from a holder of the
/// cluster key: HMAC-SHA256 of the body under the key, hex, in the <c>Synod-Cluster-Proof</c>
/// header. A replayed proof can only repeat the same (idempotent) request.
/// </summary>
public static class ClusterProof
{
    /// <summary>The header that carries the proof.</summary>
    public const string Header = "Synod-Cluster-Proof";

    /// <summary>The proof of <paramref name="body"/>.</summary>
    public static string Compute(string clusterKey, ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(clusterKey), body));

    /// <summary>Whether <paramref name="proof"/> proves <paramref name="body"/> (in constant time).</summary>
    public static bool Verify(string clusterKey, ReadOnlySpan<byte> body, string? proof)
    {
        if (proof is null || proof.Length != 64)
        {
            return false;
        }

        byte[] expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(clusterKey), body);
        byte[] given;
        try
        {
            given = Convert.FromHexString(proof);
        }
        catch (FormatException)
        {
            // Not hex: not a proof.
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
