using Synod.Persistence.CrashWriter;
using Synod.Runtime.Storage;

namespace Synod.Persistence.Tests.Crash;

/// <summary>The crash workload is deterministic and exercises every part of a batch, so the crash suite tests what it claims to.</summary>
public sealed class CrashWorkloadTests
{
    [Fact]
    public void The_workload_writes_every_kind_of_batch_and_keeps_the_log_bounded()
    {
        // Proves the crash workload is not only appends: within a few hundred batches each replica sees rewrites, compactions, snapshots past its end and over a conflicting log, and hard-state-only writes.
        const ulong seed = 7;
        for (int replica = 0; replica < 4; replica++)
        {
            var model = new ReplicaModel(seed, replica);
            var kinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
            int longest = 0;
            while (model.Version < 400)
            {
                ReplicaWriteBatch batch = model.NextBatch();
                string kind = Classify(model, batch);
                kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
                model.Apply(batch);
                longest = Math.Max(longest, model.Records.Count);
            }

            Assert.Equal(["append", "compaction", "conflicting snapshot", "metadata only", "rewrite", "snapshot past end"], kinds.Keys);
            Assert.InRange(longest, 1, 1000);
        }
    }

    [Fact]
    public void The_workload_is_a_function_of_seed_replica_and_version()
    {
        // Proves the child and the test agree on a replica's state without talking: replaying to a version twice gives equal states, and another seed gives another workload.
        ReplicaModel once = ReplicaModel.At(11, replica: 3, version: 150);
        ReplicaModel again = ReplicaModel.At(11, replica: 3, version: 150);
        ReplicaModel other = ReplicaModel.At(12, replica: 3, version: 150);

        var state = new ReplicaDurableState(once.Name, CrashWorkload.VersionMetadata(once.Version), once.Snapshot, once.Records);
        Assert.Null(again.DifferenceFrom(state));
        Assert.NotNull(other.DifferenceFrom(state));
    }

    private static string Classify(ReplicaModel before, ReplicaWriteBatch batch) => batch switch
    {
        { Snapshot: not null, TruncateFrom: not null } => "conflicting snapshot",
        { Snapshot: { } snapshot } when snapshot.Index > before.LastIndex => "snapshot past end",
        { Snapshot: not null } => "compaction",
        { TruncateFrom: not null } => "rewrite",
        { Records.Count: 0 } => "metadata only",
        _ => "append",
    };
}
