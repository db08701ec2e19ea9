namespace Synod.Consensus.Pbft;

/// <summary>What a replica refused and why; hosts export these as metrics.</summary>
public sealed class PbftCounters
{
    public long BadSignatures { get; internal set; }

    public long WrongView { get; internal set; }

    public long OutsideWatermarks { get; internal set; }

    public long DigestMismatches { get; internal set; }

    public long Equivocations { get; internal set; }

    public long InvalidCertificates { get; internal set; }

    public long Misaddressed { get; internal set; }

    /// <summary>Messages with missing parts or arrays beyond the protocol's bounds.</summary>
    public long Malformed { get; internal set; }

    /// <summary>Client requests whose authenticator does not verify.</summary>
    public long BadClientAuthenticators { get; internal set; }

    public long ViewChangesStarted { get; internal set; }
}
