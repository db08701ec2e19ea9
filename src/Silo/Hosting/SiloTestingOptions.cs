namespace Synod.Silo.Hosting;

/// <summary>
/// Switches for fault-injection tests (section <c>Synod:Testing</c>); every one is off by default and
/// a silo that has one on logs it as a warning when it starts. Never for a production cluster.
/// </summary>
public sealed class SiloTestingOptions
{
    /// <summary>
    /// Serves <c>GET/POST /v1/testing/links</c>: which peers' messages this silo drops on arrival (a
    /// one-way cut; cut both ends for a partition). Off: the endpoint answers 404.
    /// </summary>
    public bool FaultInjection { get; set; }

    /// <summary>
    /// A deliberately broken mode that shows the linearizability checker can fail: the key-value
    /// gateway serves GET from this silo's own replica of the key's group, whatever its role and
    /// without ReadIndex, so a follower or a deposed leader answers with stale values.
    /// </summary>
    public bool UnsafeLocalReads { get; set; }

    /// <summary>
    /// Turns off the key-value gateway's relay (a call to a leader this silo cannot reach going
    /// through another silo), so a chaos run can show its availability measurement fails without it.
    /// </summary>
    public bool NoGatewayRelay { get; set; }
}
