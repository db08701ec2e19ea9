namespace Synod.Silo.Http;

/// <summary>Log messages of the HTTP API.</summary>
internal static partial class HttpApiLog
{
    [LoggerMessage(EventId = 7101, Level = LogLevel.Error, Message = "HTTP API: {Method} {Path} failed; answered 500")]
    public static partial void Failed(ILogger logger, string method, string path, Exception error);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Debug, Message = "HTTP API: refused {Method} {Path} with {Status} {Code}: {Reason}")]
    public static partial void Refused(ILogger logger, string method, string path, int status, string code, string reason);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Error, Message = "HTTP API: {Method} {Path} failed after the answer had started; connection aborted")]
    public static partial void FailedAfterStart(ILogger logger, string method, string path, Exception error);
}
