using Microsoft.Extensions.Logging;
using Synod.Runtime.Storage;

namespace Synod.Persistence.AdoNet;

/// <summary>Log messages of the storage providers.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Opened {Store}")]
    public static partial void Opened(ILogger logger, string store);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Critical, Message = "{Store} failed and stopped accepting writes; its replicas must restart from what is durable")]
    public static partial void Faulted(ILogger logger, string store, Exception error);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "{Store}: replica {Replica} refused to start: {Problem}")]
    public static partial void Corrupt(ILogger logger, string store, DurableReplicaId replica, string problem);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "{Store}: rejected a batch for replica {Replica} ({Reason}): {Detail}")]
    public static partial void Rejected(ILogger logger, string store, DurableReplicaId replica, StorageRejection reason, string detail);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "{Warning}")]
    public static partial void NotDurable(ILogger logger, string warning);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Closed {Store}")]
    public static partial void Closed(ILogger logger, string store);
}
