using System.ComponentModel.DataAnnotations;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Synod.Grains.Telemetry;

namespace Synod.Silo.Telemetry;

/// <summary>
/// The process's OpenTelemetry providers: the <c>Synod</c> meter and activity source (and ASP.NET
/// Core's and HttpClient's spans, so a client's trace continues through the HTTP API) exported over
/// OTLP. Built once per process — they observe every silo of the process (the dev cluster's four)
/// — and only when an endpoint is configured.
/// </summary>
public sealed class SiloTelemetry : IDisposable
{
    /// <summary>ASP.NET Core's activity source: the HTTP server span that continues a client's <c>traceparent</c>.</summary>
    public const string AspNetCoreSource = "Microsoft.AspNetCore";

    /// <summary>HttpClient's activity source (.NET 9+).</summary>
    public const string HttpClientSource = "System.Net.Http";

    private SiloTelemetry(MeterProvider meters, TracerProvider tracer)
    {
        Meters = meters;
        Tracer = tracer;
    }

    /// <summary>The meter provider exporting the <c>Synod</c> meter.</summary>
    public MeterProvider Meters { get; }

    /// <summary>The tracer provider exporting the <c>Synod</c> spans.</summary>
    public TracerProvider Tracer { get; }

    /// <summary>Builds the providers when <see cref="TelemetryOptions.OtlpEndpoint"/> is set; null (nothing built, nothing exported) otherwise.</summary>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    public static SiloTelemetry? Start(TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        if (!options.Enabled)
        {
            return null;
        }

        if (!Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out Uri? endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            throw new ValidationException($"Synod:Telemetry:OtlpEndpoint must be an http:// or https:// address, for example http://collector:4317; '{options.OtlpEndpoint}' is not.");
        }

        OtlpExportProtocol protocol = options.OtlpProtocol == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        ResourceBuilder resource = ResourceBuilder.CreateDefault().AddService(options.ServiceName);
        MeterProvider meters = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(GrainTelemetry.Name)
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = Signal(endpoint, protocol, "v1/metrics");
                exporter.Protocol = protocol;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = options.MetricExportIntervalMs;
            })
            .Build();
        TracerProvider tracer = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(GrainTelemetry.Name, AspNetCoreSource, HttpClientSource)
            .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.TraceSampleRatio)))
            .AddOtlpExporter(exporter =>
            {
                exporter.Endpoint = Signal(endpoint, protocol, "v1/traces");
                exporter.Protocol = protocol;
            })
            .Build();
        return new SiloTelemetry(meters, tracer);
    }

    /// <summary>Flushes what is buffered and stops exporting.</summary>
    public void Dispose()
    {
        Tracer.Dispose();
        Meters.Dispose();
    }

    // OTLP over HTTP posts each signal to its own path; a given endpoint without one gets it.
    private static Uri Signal(Uri endpoint, OtlpExportProtocol protocol, string path) =>
        protocol == OtlpExportProtocol.HttpProtobuf && endpoint.AbsolutePath is "" or "/" ? new Uri(endpoint, path) : endpoint;
}
