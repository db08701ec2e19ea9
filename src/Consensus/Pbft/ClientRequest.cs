namespace Synod.Consensus.Pbft;

/// <summary>
/// A client's request ⟨REQUEST, o, t, c⟩ (Castro and Liskov §4.2): the operation, the client's
/// timestamp (strictly increasing per client, for exactly-once execution) and the client id. The
/// host authenticates the client before handing a request to the core.
/// </summary>
public sealed record ClientRequest(ulong Client, ulong Timestamp, ReadOnlyMemory<byte> Operation)
{
    public override string ToString() => $"c{Client}@{Timestamp}({Operation.Length}B)";
}
