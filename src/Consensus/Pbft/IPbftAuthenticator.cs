namespace Synod.Consensus.Pbft;

/// <summary>
/// Signs this replica's messages and checks other replicas' signatures. Hosts supply it with keys
/// from configuration (ECDSA P-256 in <see cref="EcdsaPbftAuthenticator"/>); keys never appear in
/// messages or logs. Pure computation, so the core stays free of I/O.
/// </summary>
public interface IPbftAuthenticator
{
    /// <summary>Signs <paramref name="data"/> as this replica.</summary>
    byte[] Sign(ReadOnlySpan<byte> data);

    /// <summary>Whether <paramref name="signature"/> is <paramref name="signer"/>'s signature of <paramref name="data"/>.</summary>
    bool Verify(ReplicaIndex signer, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature);

    /// <summary>Whether this replica's entry of the client request's authenticator verifies (<see cref="ClientMac"/>).</summary>
    bool VerifyClient(ClientRequest request);
}
