namespace Synod.Consensus.Pbft;

/// <summary>A client request a backup relays to the primary (Castro and Liskov §4.2, client timeout).</summary>
public sealed record ForwardedRequest(ReplicaIndex From, ClientRequest Request) : PbftMessage(From);
