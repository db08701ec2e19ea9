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

    public long ViewChangesStarted { get; internal set; }
}
