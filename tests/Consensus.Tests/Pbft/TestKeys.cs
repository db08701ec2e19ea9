using Synod.Consensus.Pbft;
using Synod.Simulation.Pbft;

namespace Synod.Consensus.Tests.Pbft;

/// <summary>The keys of the four-replica test groups: the simulator's HMAC authenticator under a fixed seed.</summary>
internal static class TestKeys
{
    private const ulong Seed = 1000;

    public static SimulatedAuthenticator For(int replica, int replicaCount = 4) => new(new ReplicaIndex(replica), Seed, replicaCount);

    public static ClientRequest SignAsClient(ClientRequest request, int replicaCount = 4) => SimulatedAuthenticator.SignAsClient(Seed, request, replicaCount);
}
