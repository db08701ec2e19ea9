namespace Synod.Silo.Hosting;

/// <summary>A silo of the cluster as others reach it.</summary>
public sealed class SiloPeerOptions
{
    /// <summary>The silo's id.</summary>
    public int Id { get; set; }

    /// <summary>Its transport endpoint, host:port.</summary>
    public string TransportEndpoint { get; set; } = "";

    /// <summary>Its HTTP API, http://host:port.</summary>
    public string HttpEndpoint { get; set; } = "";

    /// <summary>Its failure-domain labels as a new cluster's directory records them (each silo then records its own).</summary>
    public Dictionary<string, string> Labels { get; set; } = [];
}
