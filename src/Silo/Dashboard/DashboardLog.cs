using Microsoft.Extensions.Logging;

namespace Synod.Silo.Dashboard;

/// <summary>The dashboard's log lines.</summary>
internal static partial class DashboardLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Debug, Message = "Silo {Silo}: a dashboard client left; {Clients} remain")]
    public static partial void ClientLeft(ILogger logger, int silo, int clients);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Silo {Silo}: dashboard fault '{Action}' on silo {Target}: {Outcome}")]
    public static partial void Fault(ILogger logger, int silo, string action, int target, string outcome);
}
