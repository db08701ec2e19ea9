using System.Security.Cryptography;

namespace Synod.Consensus.Pbft;

/// <summary>
/// ECDSA P-256 / SHA-256 signatures: every replica holds its own private key and every replica's
/// public key, so any third party can check a certificate (view change, new view, checkpoints).
/// </summary>
public sealed class EcdsaPbftAuthenticator : IPbftAuthenticator, IDisposable
{
    private readonly ECDsa _privateKey;
    private readonly ECDsa[] _publicKeys;
    private readonly ReplicaIndex _self;
    private readonly Func<ulong, byte[]?> _clientKey;

    /// <param name="self">This replica's index.</param>
    /// <param name="privateKeyPkcs8">This replica's private key (PKCS#8).</param>
    /// <param name="publicKeys">Every replica's public key (SubjectPublicKeyInfo), by replica index.</param>
    /// <param name="clientKey">The MAC key this replica shares with a client, or null for an unknown client.</param>
    public EcdsaPbftAuthenticator(ReplicaIndex self, ReadOnlySpan<byte> privateKeyPkcs8, IReadOnlyList<byte[]> publicKeys, Func<ulong, byte[]?> clientKey)
    {
        ArgumentNullException.ThrowIfNull(publicKeys);
        ArgumentNullException.ThrowIfNull(clientKey);
        _self = self;
        _clientKey = clientKey;
        _privateKey = ECDsa.Create();
        _privateKey.ImportPkcs8PrivateKey(privateKeyPkcs8, out _);
        _publicKeys = new ECDsa[publicKeys.Count];
        for (var i = 0; i < publicKeys.Count; i++)
        {
            _publicKeys[i] = ECDsa.Create();
            _publicKeys[i].ImportSubjectPublicKeyInfo(publicKeys[i], out _);
        }
    }

    /// <summary>Generates a key pair: (PKCS#8 private key, SubjectPublicKeyInfo public key).</summary>
    public static (byte[] PrivateKey, byte[] PublicKey) GenerateKeyPair()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return (key.ExportPkcs8PrivateKey(), key.ExportSubjectPublicKeyInfo());
    }

    public byte[] Sign(ReadOnlySpan<byte> data) => _privateKey.SignData(data, HashAlgorithmName.SHA256);

    public bool Verify(ReplicaIndex signer, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        signer.Value >= 0 && signer.Value < _publicKeys.Length && _publicKeys[signer.Value].VerifyData(data, signature, HashAlgorithmName.SHA256);

    public bool VerifyClient(ClientRequest request) =>
        request is not null && _clientKey(request.Client) is { } key && ClientMac.Verify(request, _self, key);

    public void Dispose()
    {
        _privateKey.Dispose();
        foreach (var key in _publicKeys)
        {
            key.Dispose();
        }
    }
}
