using System.Collections.Concurrent;
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
/// The cluster's PBFT groups, all with the key-value state machine: <c>pbft-0</c>, placed by the
/// configuration (f = 1: four replicas, replica i on the (i+1)-th silo by id, keys from the key
/// file; present when the configuration lists at least four silos), and every group the directory
/// records with protocol <c>pbft</c> (replica index i is the directory's replica i+1, on the silo
/// the directory names; keys derived from the key file by <see cref="PbftGroupKeys"/>). It answers
/// where their replicas live, which of them this silo activates, their keys and their status.
/// </summary>
internal sealed class PbftGroupHosting : IPbftGroupDirectory
{
    /// <summary>The configured PBFT group's name (reserved: the directory never creates a group of this name).</summary>
    public const string Group = "pbft-0";

    /// <summary>n = 3f + 1 with f = 1, for the configured group.</summary>
    public const int Replicas = 4;

    private readonly int[] _configured;
    private readonly LayoutHolder _layout;
    private readonly Lazy<PbftKeyFile> _keys;
    private readonly Lazy<PbftGroupKeys> _derived;
    private readonly ConcurrentDictionary<string, (byte[] Private, byte[] Public)[]> _groupKeys = new(StringComparer.Ordinal);

    private PbftGroupHosting(int[] configured, LayoutHolder layout, string keyFile)
    {
        _configured = configured;
        _layout = layout;
        _keys = new Lazy<PbftKeyFile>(() => PbftKeyFile.LoadOrCreate(keyFile, Replicas), LazyThreadSafetyMode.ExecutionAndPublication);
        _derived = new Lazy<PbftGroupKeys>(() => new PbftGroupKeys(_keys.Value), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// The PBFT groups of a silo configured with <paramref name="silos"/>. The key file is read (or
    /// created) at once when the configuration has the four silos <c>pbft-0</c> needs, otherwise
    /// when the directory first places a PBFT replica here.
    /// </summary>
    public static PbftGroupHosting For(IReadOnlyList<int> silos, string keyFile, LayoutHolder layout)
    {
        var hosting = new PbftGroupHosting(silos.Count < Replicas ? [] : [.. silos.Order().Take(Replicas)], layout, keyFile);
        if (hosting.HasConfiguredGroup)
        {
            _ = hosting._keys.Value;
        }

        return hosting;
    }

    /// <summary>The options this silo's PBFT replicas run with (set when the grain type is registered).</summary>
    public PbftReplicaOptions? ReplicaOptions { get; set; }

    /// <summary>Whether this silo's configuration places <c>pbft-0</c>.</summary>
    public bool HasConfiguredGroup => _configured.Length == Replicas;

    /// <inheritdoc/>
    public int? ReplicaCount(string group) =>
        group == Group && HasConfiguredGroup ? Replicas
        : DirectoryGroup(group) is { } placement ? (placement.InitialReplicas > 0 ? (int)placement.InitialReplicas : placement.Replicas.Count)
        : null;

    /// <inheritdoc/>
    public PbftReplicaSecrets Secrets(string group, ReplicaIndex replica)
    {
        byte[] clientSecret = _keys.Value.ClientSecret;
        Func<ulong, byte[]?> clientKey = client => PbftClientKeys.Derive(clientSecret, group, client, replica.Value);
        (byte[] privateKey, IReadOnlyList<byte[]> publicKeys) = group == Group && HasConfiguredGroup
            ? (_keys.Value.PrivateKeys[replica.Value], _keys.Value.PublicKeys)
            : DerivedKeys(group, replica);
        return new PbftReplicaSecrets(new EcdsaPbftAuthenticator(replica, privateKey, publicKeys, clientKey), clientKey);
    }

    /// <inheritdoc/>
    public IReplicatedStateMachine CreateStateMachine(string group) => new KvReplicatedStateMachine(new KvStateMachineConfig());

    /// <summary>
    /// The silo of a PBFT replica grain: by configuration for <c>pbft-0</c>, by the directory for
    /// the others; none (0) for a replica of a group this silo does not know (yet), so a peer's
    /// message for it is dropped rather than activating a replica that cannot start. Null for any
    /// grain that is not a PBFT replica.
    /// </summary>
    public SiloId? Place(GrainId grain)
    {
        if (grain.Type.Value != PbftReplicaKey.GrainType)
        {
            return null;
        }

        PbftReplicaKey key;
        try
        {
            key = PbftReplicaKey.Parse(grain.Key);
        }
        catch (FormatException)
        {
            // Not a replica key at all: no silo hosts such a grain.
            return new SiloId(0);
        }

        IReadOnlyList<int> silos = SilosOf(key.Group);
        return key.Replica.Value >= 0 && key.Replica.Value < silos.Count ? new SiloId(silos[key.Replica.Value]) : new SiloId(0);
    }

    /// <summary>The silo of each replica of <paramref name="group"/>, in replica order; empty when it is not a PBFT group known here.</summary>
    public IReadOnlyList<int> SilosOf(string group) =>
        group == Group && HasConfiguredGroup ? _configured
        : DirectoryGroup(group) is { } placement ? [.. placement.Replicas.OrderBy(r => r.Replica).Select(r => r.Silo)]
        : [];

    /// <summary>Every PBFT group this silo knows, the configured one first, then the directory's in its order.</summary>
    public IReadOnlyList<string> Groups =>
        [.. HasConfiguredGroup ? [Group] : Array.Empty<string>(), .. _layout.Current.Directory.Groups.Where(IsDirectoryPbft).Select(g => g.Group)];

    /// <summary>The replicas of every PBFT group that <paramref name="silo"/> hosts.</summary>
    public IReadOnlyList<GrainId> LocalReplicas(int silo) =>
        [.. Groups.SelectMany(group => SilosOf(group).Select((s, index) => (s, index)).Where(p => p.s == silo).Select(p => ReplicaGrain(group, p.index)))];

    /// <summary>This silo's replica of <paramref name="group"/>, or null.</summary>
    public GrainId? LocalReplica(string group, int silo) =>
        SilosOf(group) is var silos && silos.ToList().IndexOf(silo) is var index and >= 0 ? ReplicaGrain(group, index) : null;

    /// <summary>Every PBFT group's replicas as the status API shows them: role, view as term, primary as leader.</summary>
    public async Task<IReadOnlyList<GroupStatus>> StatusAsync(SiloRuntime runtime, CancellationToken cancellationToken)
    {
        var groups = new List<GroupStatus>();
        foreach (string group in Groups)
        {
            IReadOnlyList<int> silos = SilosOf(group);
            ReplicaStatus[] replicas = await Task.WhenAll(
                silos.Select((silo, index) => ReplicaStatusAsync(runtime, group, index, silo, cancellationToken))).ConfigureAwait(false);
            groups.Add(new GroupStatus(group, "pbft", replicas));
        }

        return groups;
    }

    /// <summary>The grain of replica <paramref name="replica"/> (index 0..n-1) of <paramref name="group"/>.</summary>
    public static GrainId ReplicaGrain(string group, int replica) =>
        GrainId.Create(PbftReplicaKey.GrainType, new PbftReplicaKey(group, new ReplicaIndex(replica)).ToString());

    private static bool IsDirectoryPbft(GroupPlacement group) => group.Protocol == "pbft" && group.Group != Group;

    private GroupPlacement? DirectoryGroup(string group) =>
        _layout.Current.HasGroup(group) && _layout.Current.Group(group) is var placement && IsDirectoryPbft(placement) ? placement : null;

    private (byte[] Private, IReadOnlyList<byte[]> Public) DerivedKeys(string group, ReplicaIndex replica)
    {
        int count = ReplicaCount(group) ?? throw new InvalidOperationException($"Group {group} is not a PBFT group known to this silo.");
        (byte[] Private, byte[] Public)[] pairs = _groupKeys.GetOrAdd(group, name => [.. Enumerable.Range(0, count).Select(i => _derived.Value.KeyPair(name, i))]);
        return (pairs[replica.Value].Private, [.. pairs.Select(p => p.Public)]);
    }

    private static async Task<ReplicaStatus> ReplicaStatusAsync(SiloRuntime runtime, string group, int replica, int silo, CancellationToken cancellationToken)
    {
        string siloName = silo.ToString(CultureInfo.InvariantCulture);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            PbftStatusReply reply = await runtime.GetGrain(ReplicaGrain(group, replica))
                .InvokeAsync<PbftStatusRequest, PbftStatusReply>(new PbftStatusRequest(), timeout.Token).ConfigureAwait(false);
            string role = reply.Faulted ? "Faulted" : reply.ViewChanging ? "ViewChanging" : reply.Primary == (uint)replica ? "Primary" : "Backup";
            if (reply.Byzantine.Length > 0)
            {
                role += $" (Byzantine: {reply.Byzantine})";
            }

            return new ReplicaStatus((ulong)replica, siloName, role, reply.View, reply.Primary, reply.LastExecuted, reply.LastExecuted);
        }
        catch (Exception error) when (error is GrainCallException or GrainUnavailableException or OperationCanceledException or ObjectDisposedException)
        {
            // The replica's silo is down or slow, or the replica cannot activate: the status says so.
            return new ReplicaStatus((ulong)replica, siloName, "Unreachable", 0, 0, 0, 0);
        }
    }
}
