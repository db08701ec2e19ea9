using System.Collections.Immutable;

namespace Synod.Consensus.Pbft;

/// <summary>What one sequence number's agreement leaves on disk: what this replica accepted, said and decided.</summary>
public sealed record PbftSlotState(
    SequenceNumber Sequence,
    PrePrepare? PrePrepare,
    Prepare? OwnPrepare,
    Commit? OwnCommit,
    PreparedCertificate? Certificate,
    Digest? CommittedDigest,
    ImmutableArray<ClientRequest> CommittedBatch);

/// <summary>
/// The state a PBFT replica must keep across a crash to stay correct: its view, its stable
/// checkpoint and proof, and for every sequence number above it what it accepted, sent and
/// decided. Without it a restarted replica could prepare a second batch for a sequence number in
/// the same view or forget a prepared certificate it owes a view change — Byzantine behaviour.
/// The host persists it after every Ready, before sending that Ready's messages.
/// </summary>
public sealed record PbftDurableState(
    View View,
    bool ViewChanging,
    SequenceNumber NextSequence,
    SequenceNumber StableCheckpoint,
    Digest StableDigest,
    ImmutableArray<Checkpoint> StableProof,
    ImmutableArray<PbftSlotState> Slots,
    ViewChange? OwnViewChange,
    ImmutableArray<ViewChange> OwnViewChanges,
    NewView? LastNewView);
