using Microsoft.Extensions.Logging;

namespace Synod.Silo.Hosting;

/// <summary>Log lines of the silo host's directory work (event ids 7201–7299).</summary>
internal static partial class SiloHostLog
{
    [LoggerMessage(EventId = 7201, Level = LogLevel.Information, Message = "Silo {Silo}: directory version {Version} adopted ({Groups} groups, {Silos} silos)")]
    public static partial void DirectoryChanged(ILogger logger, int silo, ulong version, int groups, int silos);

    [LoggerMessage(EventId = 7202, Level = LogLevel.Information, Message = "Silo {Silo}: announced itself to meta silo {Seed}")]
    public static partial void Announced(ILogger logger, int silo, int seed);

    [LoggerMessage(EventId = 7203, Level = LogLevel.Warning, Message = "Silo {Silo}: meta silo {Seed} refused the announcement with HTTP {Status} (is the cluster key the same?)")]
    public static partial void AnnounceRefused(ILogger logger, int silo, int seed, int status);

    [LoggerMessage(EventId = 7204, Level = LogLevel.Debug, Message = "Silo {Silo}: meta silo {Seed} could not be reached to announce: {Reason}")]
    public static partial void AnnounceFailed(ILogger logger, int silo, int seed, string reason);

    [LoggerMessage(EventId = 7205, Level = LogLevel.Information, Message = "Silo {Silo}: moving replica {Replica} of {Group} ({Step})")]
    public static partial void MoveStep(ILogger logger, int silo, string group, ulong replica, string step);

    [LoggerMessage(EventId = 7206, Level = LogLevel.Warning, Message = "Silo {Silo}: the meta group refused {Operation}: {Reason}")]
    public static partial void DirectoryRefused(ILogger logger, int silo, string operation, string reason);

    [LoggerMessage(EventId = 7207, Level = LogLevel.Information, Message = "Silo {Silo}: replica {Replica} left this silo; its storage is deleted")]
    public static partial void ReplicaRetired(ILogger logger, int silo, string replica);

    [LoggerMessage(EventId = 7208, Level = LogLevel.Warning, Message = "Silo {Silo}: UNSAFE testing mode Synod:Testing:UnsafeLocalReads is on: GET is served from this silo's own replica without ReadIndex or a leader check; reads are NOT linearizable")]
    public static partial void UnsafeLocalReads(ILogger logger, int silo);

    [LoggerMessage(EventId = 7209, Level = LogLevel.Warning, Message = "Silo {Silo}: testing mode Synod:Testing:FaultInjection is on: POST /v1/testing/links can cut this silo's links")]
    public static partial void FaultInjection(ILogger logger, int silo);

    [LoggerMessage(EventId = 7211, Level = LogLevel.Warning, Message = "Silo {Silo}: testing mode Synod:Testing:NoGatewayRelay is on: the gateway never relays a call through another silo")]
    public static partial void NoGatewayRelay(ILogger logger, int silo);

    [LoggerMessage(EventId = 7210, Level = LogLevel.Warning, Message = "Silo {Silo}: fault injection now drops messages from silos [{Peers}]")]
    public static partial void LinksCut(ILogger logger, int silo, string peers);
}
