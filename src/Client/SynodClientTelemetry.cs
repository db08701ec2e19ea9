using System.Diagnostics;

namespace Synod.Client;

/// <summary>
/// The client's tracing. Every request through a gateway is a <c>synod.client.*</c> span of the
/// activity source <see cref="ActivitySourceName"/>, and HttpClient sends its context to the silo
/// as <c>traceparent</c>, so the silo's spans (gateway, leader, storage, followers) join the same
/// trace. Nothing is recorded until the application listens: with OpenTelemetry,
/// <c>.AddSource(SynodClientTelemetry.ActivitySourceName)</c> on its tracer provider.
/// </summary>
public static class SynodClientTelemetry
{
    /// <summary>The name of the client's activity source (the same as the silos').</summary>
    public const string ActivitySourceName = "Synod";

    internal static readonly ActivitySource Source = new(ActivitySourceName);

    /// <summary>The span name of a gateway request (no allocation per request).</summary>
    internal static string SpanName(string operation) => operation switch
    {
        "get" => "synod.client.get",
        "put" => "synod.client.put",
        "delete" => "synod.client.delete",
        "compare-and-set" => "synod.client.cas",
        "status" => "synod.client.status",
        _ => "synod.client.request",
    };
}
