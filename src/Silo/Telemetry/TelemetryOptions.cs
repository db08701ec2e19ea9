using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Synod.Silo.Telemetry;

/// <summary>
/// OpenTelemetry export (section <c>Synod:Telemetry</c>; environment variables
/// <c>Synod__Telemetry__…</c>). Without <see cref="OtlpEndpoint"/> nothing is exported and no
/// provider is built: the instruments and spans then cost what an unobserved meter and activity
/// source cost (a check each).
/// </summary>
public sealed class TelemetryOptions
{
    /// <summary>The OTLP collector, for example <c>http://collector:4317</c> (gRPC) or <c>http://collector:4318</c> (HTTP); empty: no export.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>The OTLP protocol: <c>grpc</c> (default) or <c>http/protobuf</c>.</summary>
    [RegularExpression("^(grpc|http/protobuf)$")]
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>How often metrics are exported, in milliseconds. Default 10 000.</summary>
    [Range(1000, 3_600_000)]
    public int MetricExportIntervalMs { get; set; } = 10_000;

    /// <summary>Share of traces recorded when no caller decided (a traced caller's choice is followed), 0 to 1. Default 1.</summary>
    [Range(0.0, 1.0)]
    public double TraceSampleRatio { get; set; } = 1.0;

    /// <summary>The <c>service.name</c> resource attribute. Default <c>synod-silo</c>.</summary>
    [Required]
    public string ServiceName { get; set; } = "synod-silo";

    /// <summary>The configuration section name.</summary>
    public const string Section = "Synod:Telemetry";

    /// <summary>Binds section <c>Synod:Telemetry</c> (a file's, or <c>Synod__Telemetry__*</c> variables); the defaults (no export) when absent.</summary>
    public static TelemetryOptions FromConfiguration(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<TelemetryOptions>() ?? new TelemetryOptions();

    /// <summary>Whether export is switched on.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(OtlpEndpoint);
}
