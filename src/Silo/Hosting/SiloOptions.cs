using System.ComponentModel.DataAnnotations;

namespace Synod.Silo.Hosting;

/// <summary>One silo's configuration (section <c>Synod:Silo</c>; environment variables <c>Synod__Silo__…</c>).</summary>
public sealed class SiloOptions
{
    /// <summary>This silo's id, 1 or more, unique in the cluster.</summary>
    [Range(1, 1_000_000)]
    public int Id { get; set; } = 1;

    /// <summary>Cluster name; silos of another cluster are refused.</summary>
    [Required]
    public string ClusterName { get; set; } = "synod-dev";

    /// <summary>The cluster's shared key (16+ characters); a silo without it cannot join. The dev cluster uses a fixed, public one.</summary>
    [Required]
    [MinLength(16)]
    public string ClusterKey { get; set; } = "";

    /// <summary>Where this silo listens for other silos, host:port.</summary>
    [Required]
    public string TransportEndpoint { get; set; } = "127.0.0.1:11111";

    /// <summary>Where this silo serves its HTTP API, http://host:port.</summary>
    [Required]
    public string HttpEndpoint { get; set; } = "http://127.0.0.1:8081";

    /// <summary>Directory of this silo's SQLite file (<c>silo-{Id}.db</c>).</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>Key-value groups a new cluster is bootstrapped with (kv-0 … kv-{n-1}), each with three replicas. Default 64.</summary>
    [Range(1, 4096)]
    public int KeyValueGroups { get; set; } = 64;

    /// <summary>This silo's failure-domain labels (for example <c>zone</c>, <c>rack</c>); a group's replicas spread over distinct values.</summary>
    public Dictionary<string, string> Labels { get; set; } = [];

    /// <summary>
    /// Whether the silo hosting the meta group's leader moves replicas on its own: from draining
    /// silos, and from the most to the least loaded silo while they differ by two or more (after a
    /// silo joins). Default true.
    /// </summary>
    public bool AutoRebalance { get; set; } = true;

    /// <summary>
    /// The PBFT key file (every PBFT replica's ECDSA key pair and the client MAC secret; created by
    /// the first silo that starts). Default: <c>pbft-keys.json</c> in <see cref="DataDirectory"/>.
    /// Every silo of a cluster must read the same file (development scheme, see README).
    /// </summary>
    public string? PbftKeyFile { get; set; }

    /// <summary>
    /// Makes this silo's PBFT replica Byzantine, for tests and demonstrations: <c>silent</c>,
    /// <c>corrupt-replies</c> or <c>equivocate</c>; empty for a correct replica (default).
    /// </summary>
    [RegularExpression("^(|silent|corrupt-replies|equivocate)$")]
    public string Byzantine { get; set; } = "";

    /// <summary>Every silo of the cluster, this one included.</summary>
    public List<SiloPeerOptions> Silos { get; set; } = [];
}
