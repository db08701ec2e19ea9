using System.Collections.Immutable;

namespace Synod.Consensus.Pbft;

/// <summary>
/// Structural checks on a peer's message, before its signature is even computed over: no missing
/// parts, and every array within the bounds the protocol allows. A message that fails is dropped
/// and counted; without this a faulty replica could make <see cref="PbftReplica.Step"/> throw or
/// allocate without limit.
/// </summary>
internal static class PbftMessageValidator
{
    public static bool IsWellFormed(PbftMessage message, PbftConfig config) => message switch
    {
        PrePrepare m => IsWellFormed(m, config),
        Prepare or Commit or Checkpoint => true,
        ForwardedRequest m => m.Request is not null && IsWellFormed(m.Request, config),
        ViewChange m => IsWellFormed(m, config),
        NewView m => !m.ViewChanges.IsDefault && m.ViewChanges.Length <= config.ReplicaCount
            && m.ViewChanges.All(v => v is not null && IsWellFormed(v, config))
            && !m.PrePrepares.IsDefault && m.PrePrepares.Length <= config.WatermarkWindow
            && m.PrePrepares.All(p => p is not null && IsWellFormed(p, config)),
        _ => false,
    };

    private static bool IsWellFormed(PrePrepare m, PbftConfig config) =>
        !m.Batch.IsDefault && m.Batch.Length <= config.MaxBatchSize && m.Batch.All(r => r is not null && IsWellFormed(r, config));

    private static bool IsWellFormed(ClientRequest request, PbftConfig config) => request.Operation.Length <= config.MaxOperationBytes;

    private static bool IsWellFormed(ViewChange m, PbftConfig config) =>
        !m.CheckpointProof.IsDefault && m.CheckpointProof.Length <= config.ReplicaCount && m.CheckpointProof.All(c => c is not null)
        && !m.Prepared.IsDefault && m.Prepared.Length <= config.WatermarkWindow
        && m.Prepared.All(c => c?.PrePrepare is not null && IsWellFormed(c.PrePrepare, config) && IsWellFormed(c.Prepares, config));

    private static bool IsWellFormed(ImmutableArray<Prepare> prepares, PbftConfig config) =>
        !prepares.IsDefault && prepares.Length <= config.ReplicaCount && prepares.All(p => p is not null);
}
