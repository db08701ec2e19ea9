using Microsoft.Extensions.Logging;
using Synod.Grains.Interfaces;

namespace Synod.Runtime.Grains;

/// <summary>Log messages of the grain runtime.</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "Grain {Grain}: a {Kind} turn failed")]
    public static partial void TurnFailed(ILogger logger, GrainId grain, TurnKind kind, Exception error);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Debug, Message = "Activated grain {Grain}")]
    public static partial void Activated(ILogger logger, GrainId grain);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "A message of kind {Kind} from silo {Silo} has no handler here; dropped")]
    public static partial void UnknownMessage(ILogger logger, int silo, string kind);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Stream {Stream}: a malformed item from another silo was dropped: {Reason}")]
    public static partial void MalformedItem(ILogger logger, string stream, string reason);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Stream item for {Stream} dropped: its consumer is not placed on this silo (do the silos agree on the layout?)")]
    public static partial void NotPlacedHere(ILogger logger, string stream);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "Shutdown went on without {Count} calls served for other silos")]
    public static partial void ShutdownAbandonedCalls(ILogger logger, int count);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Information, Message = "Grain {Grain} retired; its next message activates it afresh")]
    public static partial void Retired(ILogger logger, GrainId grain);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Stream {Stream}: no grain type consumes namespace {Namespace}; item dropped")]
    public static partial void NoConsumer(ILogger logger, string stream, string @namespace);
}
