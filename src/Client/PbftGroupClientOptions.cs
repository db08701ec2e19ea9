namespace Synod.Client;

/// <summary>How a <see cref="PbftGroupClient"/> reaches one PBFT group.</summary>
public sealed class PbftGroupClientOptions
{
    /// <summary>The group's name. Default <c>pbft-0</c>, the cluster's PBFT group.</summary>
    public string Group { get; set; } = "pbft-0";

    /// <summary>The HTTP API of the silo hosting each replica, in replica order (n = 3f + 1 entries).</summary>
    public IList<Uri> Replicas { get; } = [];

    /// <summary>This client's id; the replicas key its MACs and its exactly-once table by it.</summary>
    public ulong ClientId { get; set; } = 1;

    /// <summary>The cluster's PBFT client secret (from the key file), from which this client's per-replica MAC keys derive.</summary>
    public byte[] ClientSecret { get; set; } = [];

    /// <summary>How long the client waits for f+1 matching replies from the primary before it sends to every replica. Default 2 s.</summary>
    public TimeSpan RetransmitTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one operation may take in all before it fails as unavailable. Default 30 s.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
