using Synod.Consensus.Pbft;

namespace Synod.Grains.Pbft;

/// <summary>
/// What one PBFT replica knows of keys: its signer (its own private key, every replica's public key
/// and its client MAC keys), and the MAC key it shares with each client, used to authenticate its
/// replies. Null from <see cref="ClientKey"/> means the client is unknown.
/// </summary>
public sealed record PbftReplicaSecrets(IPbftAuthenticator Authenticator, Func<ulong, byte[]?> ClientKey);
