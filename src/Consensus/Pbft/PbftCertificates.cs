using System.Collections.Immutable;

namespace Synod.Consensus.Pbft;

/// <summary>
/// The proofs of the view-change protocol (Castro and Liskov §4.4): checking view-change and
/// new-view messages with the certificates inside them, and deriving the pre-prepares a new
/// primary must issue. Pure functions of the configuration and the replicas' public keys.
/// </summary>
internal sealed class PbftCertificates(PbftConfig config, IPbftAuthenticator authenticator)
{
    private readonly PbftConfig _config = config;
    private readonly IPbftAuthenticator _authenticator = authenticator;

    // The pre-prepares a new primary must issue (Castro and Liskov §4.4): for every sequence number
    // between the latest stable checkpoint and the highest prepared one in the proof, the request of
    // the highest-view certificate, or the null request when none prepared.
    public ImmutableArray<PrePrepare> DerivePrePrepares(View view, ImmutableArray<ViewChange> proof)
    {
        var minSequence = proof.Max(v => v.StableCheckpoint.Value);
        var maxSequence = minSequence;
        var chosen = new SortedDictionary<ulong, PreparedCertificate>();
        foreach (var certificate in proof.SelectMany(v => v.Prepared))
        {
            var sequence = certificate.Sequence.Value;
            if (sequence <= minSequence)
            {
                continue;
            }

            maxSequence = Math.Max(maxSequence, sequence);
            if (!chosen.TryGetValue(sequence, out var existing) || certificate.View > existing.View)
            {
                chosen[sequence] = certificate;
            }
        }

        var primary = view.Primary(_config.ReplicaCount);
        var builder = ImmutableArray.CreateBuilder<PrePrepare>();
        for (var sequence = minSequence + 1; sequence <= maxSequence; sequence++)
        {
            var batch = chosen.TryGetValue(sequence, out var certificate) ? certificate.PrePrepare.Batch : ImmutableArray<ClientRequest>.Empty;
            var prePrepare = new PrePrepare(primary, view, new SequenceNumber(sequence), PbftEncoding.BatchDigest(batch), batch);
            builder.Add(prePrepare);
        }

        return builder.ToImmutable();
    }

    public bool IsValid(ViewChange m)
    {
        if (m.StableCheckpoint.Value > 0)
        {
            var distinct = m.CheckpointProof.Select(c => c.From).Distinct().Count();
            if (distinct < _config.Quorum
                || m.CheckpointProof.Any(c => c.Sequence != m.StableCheckpoint || c.StateDigest != m.StableDigest || !IsAuthentic(c)))
            {
                return false;
            }
        }

        var high = m.StableCheckpoint.Plus((ulong)_config.WatermarkWindow);
        return m.Prepared.All(c => c.Sequence > m.StableCheckpoint && c.Sequence <= high && c.View < m.NewView && IsValid(c));
    }

    private bool IsValid(PreparedCertificate certificate)
    {
        var prePrepare = certificate.PrePrepare;
        var primary = prePrepare.View.Primary(_config.ReplicaCount);
        if (prePrepare.From != primary || !IsAuthentic(prePrepare) || PbftEncoding.BatchDigest(prePrepare.Batch) != prePrepare.Digest)
        {
            return false;
        }

        var backups = certificate.Prepares
            .Where(p => p.From != primary && p.View == prePrepare.View && p.Sequence == prePrepare.Sequence && p.Digest == prePrepare.Digest && IsAuthentic(p))
            .Select(p => p.From)
            .Distinct()
            .Count();
        return backups >= 2 * _config.Faulty;
    }

    public bool IsValid(NewView m)
    {
        var senders = m.ViewChanges.Select(v => v.From).Distinct().Count();
        if (senders < _config.Quorum || m.ViewChanges.Any(v => v.NewView != m.View || !IsAuthentic(v) || !IsValid(v)))
        {
            return false;
        }

        // The new primary must have derived exactly the pre-prepares the proof implies.
        var expected = DerivePrePrepares(m.View, m.ViewChanges);
        return expected.Length == m.PrePrepares.Length
            && expected.Zip(m.PrePrepares).All(p => p.First.Sequence == p.Second.Sequence && p.First.Digest == p.Second.Digest
                && p.Second.View == m.View && p.Second.From == m.From && IsAuthentic(p.Second)
                && PbftEncoding.BatchDigest(p.Second.Batch) == p.Second.Digest);
    }

    public bool IsAuthentic(PbftMessage message) =>
        _authenticator.Verify(message.From, PbftEncoding.SigningBytes(message), message.Signature.Span);
}
