using System.Collections.Immutable;

namespace Synod.Consensus.Pbft;

/// <summary>Proof that a request prepared: its pre-prepare and 2f matching prepares from distinct backups.</summary>
public sealed record PreparedCertificate(PrePrepare PrePrepare, ImmutableArray<Prepare> Prepares)
{
    public SequenceNumber Sequence => PrePrepare.Sequence;

    public View View => PrePrepare.View;
}
