using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Synod.Silo.Hosting;

/// <summary>
/// The ECDSA P-256 keys of the replicas of PBFT groups created through the directory, derived
/// from the key file so that every silo computes the same keys without a new file or a key
/// exchange: a seed = HKDF-Extract(SHA-256, salt "synod-pbft-group-keys", the file's replica
/// private keys) — material clients are never given, unlike the client secret — then for replica
/// i of group g, HKDF-Expand(seed, "replica" ‖ g ‖ i ‖ counter) read as a scalar d in [1, n−1]
/// (the next counter when it is not; that happens with probability below 2⁻³²), and the public
/// key computed from d. Same development scheme as the file: whoever reads it can derive every
/// replica's key.
/// </summary>
internal sealed class PbftGroupKeys
{
    // The order n of the P-256 group, big-endian (FIPS 186-4, D.1.2.3).
    private static readonly byte[] Order = Convert.FromHexString("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");

    private readonly byte[] _seed;

    public PbftGroupKeys(PbftKeyFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        _seed = HKDF.Extract(HashAlgorithmName.SHA256, [.. file.PrivateKeys.SelectMany(k => k)], "synod-pbft-group-keys"u8.ToArray());
    }

    /// <summary>The PKCS#8 private key and SubjectPublicKeyInfo public key of replica <paramref name="replica"/> of <paramref name="group"/>.</summary>
    public (byte[] PrivateKey, byte[] PublicKey) KeyPair(string group, int replica)
    {
        byte[] name = Encoding.UTF8.GetBytes(group);
        for (byte counter = 0; ; counter++)
        {
            byte[] info = new byte[7 + 4 + name.Length + 4 + 1];
            "replica"u8.CopyTo(info);
            BinaryPrimitives.WriteInt32BigEndian(info.AsSpan(7), name.Length);
            name.CopyTo(info, 11);
            BinaryPrimitives.WriteInt32BigEndian(info.AsSpan(11 + name.Length), replica);
            info[^1] = counter;
            byte[] scalar = HKDF.Expand(HashAlgorithmName.SHA256, _seed, 32, info);
            if (scalar.All(b => b == 0) || scalar.AsSpan().SequenceCompareTo(Order) >= 0)
            {
                continue;
            }

            using var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = scalar });
            return (key.ExportPkcs8PrivateKey(), key.ExportSubjectPublicKeyInfo());
        }
    }
}
