namespace Synod.Consensus.Pbft;

/// <summary>
/// A client's request ⟨REQUEST, o, t, c⟩ (Castro and Liskov §4.2): the operation, the client's
/// timestamp (strictly increasing per client, for exactly-once execution) and the client id, with
/// the client's authenticator; replicas verify it before relaying or agreeing to a request.
/// </summary>
public sealed record ClientRequest(ulong Client, ulong Timestamp, ReadOnlyMemory<byte> Operation)
{
    /// <summary>One MAC per replica (see <see cref="ClientMac"/>); covered by the batch digest.</summary>
    public ReadOnlyMemory<byte> Authenticator { get; init; }

    public override string ToString() => $"c{Client}@{Timestamp}({Operation.Length}B)";
}
