using Microsoft.Extensions.Logging;

namespace Synod.Client;

/// <summary>Log messages of the client library.</summary>
internal static partial class SynodClientLog
{
    [LoggerMessage(EventId = 7201, Level = LogLevel.Debug, Message = "{Operation}: attempt {Attempt} at {Gateway} failed ({Reason}); trying the next gateway")]
    public static partial void AttemptFailed(ILogger logger, string operation, int attempt, Uri gateway, string reason);

    [LoggerMessage(EventId = 7202, Level = LogLevel.Warning, Message = "{Operation}: no gateway answered in {Attempts} attempts; last: {Reason}")]
    public static partial void AttemptsExhausted(ILogger logger, string operation, int attempts, string reason);

    [LoggerMessage(EventId = 7203, Level = LogLevel.Warning, Message = "PBFT {Group}: dropped a reply from replica {Replica}: {Reason}")]
    public static partial void PbftReplyDropped(ILogger logger, string group, int replica, string reason);

    [LoggerMessage(EventId = 7204, Level = LogLevel.Debug, Message = "PBFT {Group}: no f+1 matching replies for timestamp {Timestamp} in time; sending to every replica")]
    public static partial void PbftBroadcast(ILogger logger, string group, ulong timestamp);
}
