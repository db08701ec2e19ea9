using System.ComponentModel.DataAnnotations;

namespace Synod.Client;

/// <summary>
/// Settings of a <see cref="SynodClient"/> (configuration section <c>Synod:Client</c> by
/// convention). Validated when the client is created.
/// </summary>
public sealed class SynodClientOptions : IValidatableObject
{
    /// <summary>The HTTP APIs of the local development cluster: silos 1, 2 and 3 on 127.0.0.1:8081–8083.</summary>
    public static IReadOnlyList<Uri> DevelopmentGateways { get; } =
    [
        new Uri("http://127.0.0.1:8081/"),
        new Uri("http://127.0.0.1:8082/"),
        new Uri("http://127.0.0.1:8083/"),
    ];

    /// <summary>
    /// Base addresses of the silos to talk to (absolute http or https URIs; a path is kept as a
    /// prefix). The client starts with the first and moves on when one fails. Empty means
    /// <see cref="DevelopmentGateways"/>. (Empty rather than pre-filled, because configuration
    /// binding appends to a list and would mix the defaults into a configured list.)
    /// </summary>
    public IList<Uri> Gateways { get; } = new List<Uri>();

    /// <summary>How long one attempt at one gateway may take before the client moves on. Default 5 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether a key-value operation goes first to the silo the cluster's directory names as its
    /// group's leader (default true). False: only <see cref="Gateways"/>, in order, as a client that
    /// is attached to one silo (the chaos tests spread their clients over every silo's gateway this way).
    /// </summary>
    public bool RouteByDirectory { get; set; } = true;

    /// <summary>
    /// Attempts per operation, across gateways, before it fails with <see cref="SynodErrorCodes.Unavailable"/>.
    /// Every attempt of a write carries the same request id, so the cluster applies it at most once. Default 6.
    /// </summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>
    /// Pause after every gateway has failed once in a row; it doubles each further round, up to
    /// <see cref="RetryMaxDelay"/>. Moving to a gateway not yet tried in the round does not pause. Default 100 ms.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest pause between rounds of attempts, at least <see cref="RetryBaseDelay"/>. Default 2 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Operations in flight at once; more wait for a slot. Each concurrent write uses its own
    /// session on the cluster, which keeps a bounded number, so this bounds the sessions one client
    /// holds. Default 64.
    /// </summary>
    [Range(1, 4096)]
    public int MaxConcurrentRequests { get; set; } = 64;

    /// <summary>
    /// The cluster's PBFT client secret (<c>clientSecret</c> in its <c>pbft-keys.json</c>), from which
    /// the client derives its MAC keys for each replica of each PBFT group. Needed only for keys that
    /// belong to a PBFT group (<c>group/…</c>, see the README's "PBFT groups in the cluster");
    /// without it such a key fails with <see cref="SynodErrorCodes.PbftKeysRequired"/>. Empty by default.
    /// </summary>
    public byte[] PbftClientSecret { get; set; } = [];

    /// <summary>How long a PBFT operation waits for f+1 matching replies before it sends to every replica. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PbftRetransmitTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one PBFT operation may take in all before it fails as unavailable. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan PbftOperationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The gateways the client will use: <see cref="Gateways"/>, or the development cluster when empty.</summary>
    public IReadOnlyList<Uri> EffectiveGateways => Gateways.Count == 0 ? DevelopmentGateways : [.. Gateways];

    /// <summary>Checks the gateways and the relations between settings that single-field attributes cannot express.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var gateway in Gateways)
        {
            if (gateway is null || !gateway.IsAbsoluteUri || gateway.Scheme is not ("http" or "https")
                || !string.IsNullOrEmpty(gateway.Query) || !string.IsNullOrEmpty(gateway.Fragment))
            {
                yield return new ValidationResult($"gateway '{gateway}' is not an absolute http or https URI without query or fragment", [nameof(Gateways)]);
            }
        }

        if (RetryMaxDelay < RetryBaseDelay)
        {
            yield return new ValidationResult($"RetryMaxDelay {RetryMaxDelay} is below RetryBaseDelay {RetryBaseDelay}", [nameof(RetryMaxDelay)]);
        }
    }
}
