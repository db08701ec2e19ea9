using System.Globalization;
using Synod.Consensus.Pbft;
using Synod.Grains.Interfaces;
using Synod.Grains.Interfaces.Pbft;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.KeyValue;
using Synod.Grains.Pbft;
using Synod.Grains.Raft;
using Synod.Runtime.Grains;
using Synod.Runtime.Transport;
using Synod.Silo.Gateway;

namespace Synod.Silo.Hosting;

/// <summary>
/// The cluster's PBFT group <c>pbft-0</c> (f = 1: four replicas, replica i on the (i+1)-th silo by id)
/// with the key-value state machine: its keys, where its replicas live, which of them this silo
/// activates, and their status. Present when the cluster has at least four silos.
/// </summary>
internal sealed class PbftGroupHosting : IPbftGroupDirectory
{
    /// <summary>The PBFT group's name.</summary>
    public const string Group = "pbft-0";

    /// <summary>n = 3f + 1 with f = 1.</summary>
    public const int Replicas = 4;

    private readonly int[] _silos;
    private readonly PbftKeyFile _keys;

    private PbftGroupHosting(int[] silos, PbftKeyFile keys)
    {
        _silos = silos;
        _keys = keys;
    }

    /// <summary>The group for a cluster of <paramref name="silos"/>, or null when it has fewer than four.</summary>
    public static PbftGroupHosting? For(IReadOnlyList<int> silos, string keyFile) =>
        silos.Count < Replicas ? null : new PbftGroupHosting([.. silos.Order().Take(Replicas)], PbftKeyFile.LoadOrCreate(keyFile, Replicas));

    /// <inheritdoc/>
    public int? ReplicaCount(string group) => group == Group ? Replicas : null;

    /// <inheritdoc/>
    public PbftReplicaSecrets Secrets(string group, ReplicaIndex replica)
    {
        Func<ulong, byte[]?> clientKey = client => PbftClientKeys.Derive(_keys.ClientSecret, client, replica.Value);
        return new PbftReplicaSecrets(new EcdsaPbftAuthenticator(replica, _keys.PrivateKeys[replica.Value], _keys.PublicKeys, clientKey), clientKey);
    }

    /// <inheritdoc/>
    public IReplicatedStateMachine CreateStateMachine(string group) => new KvReplicatedStateMachine(new KvStateMachineConfig());

    /// <summary>The silo of a PBFT replica grain, or null for any other grain.</summary>
    public SiloId? Place(GrainId grain) =>
        grain.Type.Value == PbftReplicaKey.GrainType && PbftReplicaKey.Parse(grain.Key) is { Group: Group } key && key.Replica.Value is >= 0 and < Replicas
            ? new SiloId(_silos[key.Replica.Value])
            : null;

    /// <summary>The replica of the group this silo hosts, or null.</summary>
    public GrainId? LocalReplica(int silo) => Array.IndexOf(_silos, silo) is var index and >= 0 ? ReplicaGrain(index) : null;

    /// <summary>The group's replicas as the status API shows them: role, view as term, primary as leader.</summary>
    public async Task<GroupStatus> StatusAsync(SiloRuntime runtime, CancellationToken cancellationToken)
    {
        var replicas = new List<ReplicaStatus>();
        for (int i = 0; i < Replicas; i++)
        {
            replicas.Add(await ReplicaStatusAsync(runtime, i, cancellationToken).ConfigureAwait(false));
        }

        return new GroupStatus(Group, "pbft", replicas);
    }

    public static GrainId ReplicaGrain(int replica) => GrainId.Create(PbftReplicaKey.GrainType, new PbftReplicaKey(Group, new ReplicaIndex(replica)).ToString());

    private async Task<ReplicaStatus> ReplicaStatusAsync(SiloRuntime runtime, int replica, CancellationToken cancellationToken)
    {
        string silo = _silos[replica].ToString(CultureInfo.InvariantCulture);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            PbftStatusReply reply = await runtime.GetGrain(ReplicaGrain(replica))
                .InvokeAsync<PbftStatusRequest, PbftStatusReply>(new PbftStatusRequest(), timeout.Token).ConfigureAwait(false);
            string role = reply.Faulted ? "Faulted" : reply.ViewChanging ? "ViewChanging" : reply.Primary == (uint)replica ? "Primary" : "Backup";
            if (reply.Byzantine.Length > 0)
            {
                role += $" (Byzantine: {reply.Byzantine})";
            }

            return new ReplicaStatus((ulong)replica, silo, role, reply.View, reply.Primary, reply.LastExecuted, reply.LastExecuted);
        }
        catch (Exception error) when (error is GrainCallException or GrainUnavailableException or OperationCanceledException or ObjectDisposedException)
        {
            // The replica's silo is down or slow, or the replica cannot activate: the status says so.
            return new ReplicaStatus((ulong)replica, silo, "Unreachable", 0, 0, 0, 0);
        }
    }
}
