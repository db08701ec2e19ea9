using System.Collections.Immutable;
using Google.Protobuf;
using Synod.Consensus.Pbft;
using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.Wire;

/// <summary>
/// Maps the PBFT core's <see cref="PbftDurableState"/> to and from <see cref="PbftDurableRecord"/>,
/// the metadata a PBFT replica keeps in its silo's store. Reading returns why a record cannot be a
/// durable state rather than throwing; the replica then refuses to start (its store is damaged).
/// </summary>
public static class PbftDurableWire
{
    /// <summary>The bytes of <paramref name="state"/>.</summary>
    public static byte[] Encode(PbftDurableState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var record = new PbftDurableRecord
        {
            View = state.View.Value,
            ViewChanging = state.ViewChanging,
            NextSequence = state.NextSequence.Value,
            StableCheckpoint = state.StableCheckpoint.Value,
            StableDigest = PbftWireEncoder.Encode(state.StableDigest),
            OwnViewChange = state.OwnViewChange is { } own ? PbftWireEncoder.Encode(own) : null,
            LastNewView = state.LastNewView is { } newView ? PbftWireEncoder.Encode(newView) : null,
        };
        record.StableProof.Add(state.StableProof.Select(PbftWireEncoder.Encode));
        record.Slots.Add(state.Slots.Select(Encode));
        record.OwnViewChanges.Add(state.OwnViewChanges.Select(PbftWireEncoder.Encode));
        return record.ToByteArray();
    }

    /// <summary>Reads a durable state; false with the reason when the bytes are not one.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out PbftDurableState? state, out string? error)
    {
        state = null;
        PbftDurableRecord record;
        try
        {
            record = PbftDurableRecord.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException malformed)
        {
            // Not a record at all: reported as the reason, the caller refuses to start.
            error = malformed.Message;
            return false;
        }

        error = TryDecode(record, out state);
        return error is null;
    }

    private static string? TryDecode(PbftDurableRecord record, out PbftDurableState? state)
    {
        state = null;
        ViewChange? own = null;
        NewView? newView = null;
        Digest stableDigest = default;
        ImmutableArray<Checkpoint> proof = default;
        ImmutableArray<PbftSlotState> slots = default;
        ImmutableArray<ViewChange> ownViewChanges = default;
        string? error = PbftWireDecoder.TryDigest(record.StableDigest, out stableDigest)
            ?? PbftWireDecoder.TryDecodeAll<PbftCheckpoint, Checkpoint>(record.StableProof, PbftWireDecoder.TryDecode, out proof)
            ?? PbftWireDecoder.TryDecodeAll<PbftSlotRecord, PbftSlotState>(record.Slots, TryDecode, out slots)
            ?? (record.OwnViewChange is null ? null : PbftWireDecoder.TryDecode(record.OwnViewChange, out own))
            ?? PbftWireDecoder.TryDecodeAll<PbftViewChange, ViewChange>(record.OwnViewChanges, PbftWireDecoder.TryDecode, out ownViewChanges)
            ?? (record.LastNewView is null ? null : PbftWireDecoder.TryDecode(record.LastNewView, out newView));
        if (error is not null)
        {
            return error;
        }

        state = new PbftDurableState(
            new View(record.View),
            record.ViewChanging,
            new SequenceNumber(record.NextSequence),
            new SequenceNumber(record.StableCheckpoint),
            stableDigest,
            proof,
            slots,
            own,
            ownViewChanges,
            newView);
        return null;
    }

    private static PbftSlotRecord Encode(PbftSlotState slot)
    {
        var record = new PbftSlotRecord
        {
            Sequence = slot.Sequence.Value,
            PrePrepare = slot.PrePrepare is { } p ? PbftWireEncoder.Encode(p) : null,
            OwnPrepare = slot.OwnPrepare is { } prepare ? PbftWireEncoder.Encode(prepare) : null,
            OwnCommit = slot.OwnCommit is { } commit ? PbftWireEncoder.Encode(commit) : null,
            Certificate = slot.Certificate is { } certificate ? PbftWireEncoder.Encode(certificate) : null,
            CommittedDigest = slot.CommittedDigest is { } digest ? PbftWireEncoder.Encode(digest) : ByteString.Empty,
        };
        if (slot.CommittedDigest is not null && !slot.CommittedBatch.IsDefault)
        {
            record.CommittedBatch.Add(slot.CommittedBatch.Select(PbftWireEncoder.Encode));
        }

        return record;
    }

    private static string? TryDecode(PbftSlotRecord record, out PbftSlotState? slot)
    {
        slot = null;
        PrePrepare? prePrepare = null;
        Prepare? prepare = null;
        Commit? commit = null;
        PreparedCertificate? certificate = null;
        Digest committed = default;
        ImmutableArray<ClientRequest> batch = default;
        string? error = (record.PrePrepare is null ? null : PbftWireDecoder.TryDecode(record.PrePrepare, out prePrepare))
            ?? (record.OwnPrepare is null ? null : PbftWireDecoder.TryDecode(record.OwnPrepare, out prepare))
            ?? (record.OwnCommit is null ? null : PbftWireDecoder.TryDecode(record.OwnCommit, out commit))
            ?? (record.Certificate is null ? null : PbftWireDecoder.TryDecode(record.Certificate, out certificate))
            ?? (record.CommittedDigest.IsEmpty ? null : PbftWireDecoder.TryDigest(record.CommittedDigest, out committed))
            ?? (record.CommittedDigest.IsEmpty ? null : PbftWireDecoder.TryDecodeAll<PbftClientRequest, ClientRequest>(record.CommittedBatch, PbftWireDecoder.TryDecode, out batch));
        if (error is not null)
        {
            return $"slot {record.Sequence}: {error}";
        }

        slot = new PbftSlotState(new SequenceNumber(record.Sequence), prePrepare, prepare, commit, certificate, record.CommittedDigest.IsEmpty ? null : committed, batch);
        return null;
    }
}
