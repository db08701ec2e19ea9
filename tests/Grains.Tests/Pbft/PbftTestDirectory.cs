using Synod.Consensus.Pbft;
using Synod.Grains.KeyValue;
using Synod.Grains.Pbft;
using Synod.Grains.Raft;

namespace Synod.Grains.Tests.Pbft;

/// <summary>Group <c>p1</c> of four replicas with freshly generated ECDSA keys and one MAC key per (client, replica).</summary>
internal sealed class PbftTestDirectory : IPbftGroupDirectory
{
    public const string Group = "p1";
    public const int Replicas = 4;

    private readonly (byte[] Private, byte[] Public)[] _keys = [.. Enumerable.Range(0, Replicas).Select(_ => EcdsaPbftAuthenticator.GenerateKeyPair())];

    public List<KvReplicatedStateMachine> Machines { get; } = [];

    /// <summary>The MAC key client <paramref name="client"/> shares with replica <paramref name="replica"/>.</summary>
    public static byte[] ClientKey(ulong client, int replica) => [.. BitConverter.GetBytes(client), (byte)replica, 0x5A, 0x17];

    public int? ReplicaCount(string group) => group == Group ? Replicas : null;

    public PbftReplicaSecrets Secrets(string group, ReplicaIndex replica) => new(
        new EcdsaPbftAuthenticator(replica, _keys[replica.Value].Private, [.. _keys.Select(k => k.Public)], client => ClientKey(client, replica.Value)),
        client => ClientKey(client, replica.Value));

    public IReplicatedStateMachine CreateStateMachine(string group)
    {
        var machine = new KvReplicatedStateMachine(new KvStateMachineConfig());
        lock (Machines)
        {
            Machines.Add(machine);
        }

        return machine;
    }
}
