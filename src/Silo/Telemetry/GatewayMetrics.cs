using System.Diagnostics;
using System.Diagnostics.Metrics;
using Synod.Grains.Telemetry;

namespace Synod.Silo.Telemetry;

/// <summary>The gateway's instruments on the <c>Synod</c> meter, and its activity source, for one silo.</summary>
internal sealed class GatewayMetrics : IDisposable
{
    /// <summary>The gateway's spans: <c>synod.gateway.get</c>, <c>.put</c>, <c>.delete</c>, <c>.cas</c>.</summary>
    public static readonly ActivitySource Source = new(GrainTelemetry.Name);

    private readonly Meter _meter;

    public GatewayMetrics(int silo)
    {
        _meter = new Meter(GrainTelemetry.Name);
        Silo = new KeyValuePair<string, object?>("silo", silo);
        RequestDuration = _meter.CreateHistogram<double>(
            "synod.gateway.request.duration",
            "s",
            "Key-value requests at the silo's gateway, from routing to the leader's answer (tags operation, outcome)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
    }

    public KeyValuePair<string, object?> Silo { get; }

    public Histogram<double> RequestDuration { get; }

    public void Dispose() => _meter.Dispose();
}
