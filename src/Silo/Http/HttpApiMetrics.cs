using System.Diagnostics.Metrics;

namespace Synod.Silo.Http;

/// <summary>
/// The HTTP API's own instruments on the <c>Synod</c> meter: every refusal (4xx, by status and
/// error code) and every internal failure (500) is counted, so bad input is visible without Debug
/// logging.
/// </summary>
internal sealed class HttpApiMetrics
{
    /// <summary>The meter's name, shared with the runtime, storage and transport instruments.</summary>
    public const string MeterName = "Synod";

    private readonly Counter<long> _refused;
    private readonly Counter<long> _failed;

    public HttpApiMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter meter = meterFactory.Create(MeterName);
        _refused = meter.CreateCounter<long>("synod.http.refused", "{request}", "HTTP API requests refused with a 4xx answer, by status and error code");
        _failed = meter.CreateCounter<long>("synod.http.failed", "{request}", "HTTP API requests that failed inside the silo (500 internal)");
    }

    public void Refused(int status, string code) =>
        _refused.Add(1, new KeyValuePair<string, object?>("status", status), new KeyValuePair<string, object?>("code", code));

    public void Failed() => _failed.Add(1);
}
