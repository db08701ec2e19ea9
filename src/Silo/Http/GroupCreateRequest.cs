namespace Synod.Silo.Http;

/// <summary>The body of <c>POST /v1/groups</c>.</summary>
internal sealed class GroupCreateRequest
{
    /// <summary><c>raft</c> (default) or <c>pbft</c>.</summary>
    public string Protocol { get; set; } = "raft";

    /// <summary>Replicas per group: 1, 3, 5 or 7 for Raft; 3f+1 for PBFT. Default 3 (4 for PBFT).</summary>
    public uint? Replicas { get; set; }

    /// <summary>How many groups. Default 1.</summary>
    public uint Count { get; set; } = 1;

    /// <summary><c>kv</c> (default) or <c>lock</c>.</summary>
    public string Machine { get; set; } = "kv";

    /// <summary>Name prefix (default by protocol and machine: kv, pbft, lock).</summary>
    public string? Prefix { get; set; }

    /// <summary>Makes a retry harmless: the groups a request id already made are answered again.</summary>
    public string? RequestId { get; set; }
}
