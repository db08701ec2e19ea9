using System.ComponentModel.DataAnnotations;

namespace Synod.Runtime.Transport;

/// <summary>Silo-to-silo transport settings (configuration section <c>Synod:Transport</c>).</summary>
public sealed class TransportOptions : IValidatableObject
{
    /// <summary>The cluster's name. Both sides of a connection must agree on it. Default <c>synod</c>.</summary>
    [Required]
    [StringLength(128, MinimumLength = 1)]
    public string ClusterName { get; set; } = "synod";

    /// <summary>
    /// The secret every silo of the cluster shares; a connection is accepted only from a peer that
    /// proves it knows it. At least 16 characters; use a random value such as 32 bytes in base64.
    /// The key is used as the UTF-8 bytes of this string. No default.
    /// </summary>
    [Required]
    [StringLength(4096, MinimumLength = 16)]
    public string ClusterKey { get; set; } = "";

    /// <summary>Largest frame accepted or sent, in bytes, without its 4-byte length prefix. Default 16 MiB.</summary>
    [Range(4096, 256 * 1024 * 1024)]
    public int MaxFrameBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Messages that may wait to be written to one peer. When the queue is full, <see cref="SiloTransport.TrySend"/>
    /// refuses the new message and counts it. Default 10,000.
    /// </summary>
    [Range(1, 10_000_000)]
    public int SendQueueCapacity { get; set; } = 10_000;

    /// <summary>How often each side sends a heartbeat frame, and checks its peers' liveness. Default 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A peer from which nothing arrives for this long is reported down and its connection is
    /// closed. At least twice <see cref="HeartbeatInterval"/>. Default 5 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.020", "00:10:00")]
    public TimeSpan PeerTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time allowed to connect and complete the handshake. Default 5 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Delay before the first reconnection attempt; it doubles on each failure. Default 100 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan ReconnectBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest delay between reconnection attempts, at least <see cref="ReconnectBaseDelay"/>. Default 5 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks the relations between settings that single-field attributes cannot express.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PeerTimeout < HeartbeatInterval * 2)
        {
            yield return new ValidationResult(
                $"PeerTimeout ({PeerTimeout}) must be at least twice HeartbeatInterval ({HeartbeatInterval}).",
                [nameof(PeerTimeout), nameof(HeartbeatInterval)]);
        }

        if (ReconnectMaxDelay < ReconnectBaseDelay)
        {
            yield return new ValidationResult(
                $"ReconnectMaxDelay ({ReconnectMaxDelay}) must be at least ReconnectBaseDelay ({ReconnectBaseDelay}).",
                [nameof(ReconnectMaxDelay), nameof(ReconnectBaseDelay)]);
        }
    }
}
