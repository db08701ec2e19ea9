using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Synod.Grains.Interfaces;
using Synod.Grains.Pbft;
using Synod.Grains.Telemetry;
using Synod.Grains.StatusBoard;
using Synod.Persistence.AdoNet;
using Synod.Runtime.Grains;
using Synod.Silo.Http;

namespace Synod.Silo.Hosting;

/// <summary>What <see cref="SiloHost"/> does for PBFT, kept apart so the host's own code stays about Raft and the directory.</summary>
internal static class PbftHosting
{
    /// <summary>Registers the PBFT replica grain type; returns the PBFT groups (configured and from the directory).</summary>
    /// <param name="pbft">This silo's own PBFT settings (bound from <c>Synod:Pbft</c>); its Byzantine mode is set from <see cref="SiloOptions.Byzantine"/>.</param>
    public static PbftGroupHosting Register(GrainTypeRegistry registry, IReadOnlyList<int> silos, LayoutHolder layout, SiloOptions options, PbftReplicaOptions pbft, AdoNetReplicaStore store, ILoggerFactory loggerFactory, ReplicaMetrics? metrics = null, ReplicaStatusBoard? board = null)
    {
        PbftGroupHosting group = PbftGroupHosting.For(silos, options.PbftKeyFile ?? Path.Combine(options.DataDirectory, "pbft-keys.json"), layout);
        pbft.Byzantine = ParseByzantine(options.Byzantine);
        registry.Add(PbftReplicaKey.GrainType, _ => new PbftReplicaGrain(store, group, pbft, loggerFactory.CreateLogger<PbftReplicaGrain>(), metrics, board));
        group.ReplicaOptions = pbft;
        return group;
    }

    /// <summary>Maps <c>POST /v1/pbft/{group}/request</c> (see <see cref="PbftRequestEndpoint"/>).</summary>
    public static void MapEndpoint(WebApplication app, PbftGroupHosting group, int silo, SiloRuntime runtime)
    {
        var endpoint = new PbftRequestEndpoint(name => group.LocalReplica(name, silo), runtime);
        app.MapPost("/v1/pbft/{group}/request", endpoint.PostAsync);
    }

    /// <summary>The silo option's value as a mode; validated by the options' pattern.</summary>
    public static PbftByzantineMode ParseByzantine(string value) => value switch
    {
        "silent" => PbftByzantineMode.Silent,
        "corrupt-replies" => PbftByzantineMode.CorruptReplies,
        "equivocate" => PbftByzantineMode.Equivocate,
        "" => PbftByzantineMode.None,
        _ => throw new InvalidOperationException($"Synod:Silo:Byzantine must be silent, corrupt-replies or equivocate, not '{value}'."),
    };
}
