using System.Diagnostics;

namespace Synod.Runtime.Grains;

/// <summary>
/// The runtime's <c>Synod</c> activity source. Every layer has its own instance of the one name
/// (layers may not reference each other): the name is the contract listeners subscribe to.
/// </summary>
public static class RuntimeTelemetry
{
    /// <summary>The name of Synod's meter and activity source.</summary>
    public const string Name = "Synod";

    /// <summary>The runtime's spans: <c>synod.grain.call</c> on both sides of a call between silos.</summary>
    internal static readonly ActivitySource Source = new(Name);

    /// <summary>The span name of a grain call between silos (client side on the caller, server side on the callee).</summary>
    internal const string CallSpan = "synod.grain.call";
}
