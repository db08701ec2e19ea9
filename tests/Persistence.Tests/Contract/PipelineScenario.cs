using Synod.Runtime.Storage;

namespace Synod.Persistence.Tests.Contract;

/// <summary>
/// Batches of one replica that are submitted back to back, each depending on the ones still
/// pending before it, with the log they must leave as (index, term) pairs.
/// </summary>
/// <param name="Name">What the scenario stresses, for failure messages.</param>
/// <param name="Committed">Written and awaited one at a time first.</param>
/// <param name="Pipelined">Submitted without awaiting in between.</param>
/// <param name="Expected">The records after every batch, in index order.</param>
internal sealed record PipelineScenario(
    string Name,
    IReadOnlyList<ReplicaWriteBatch> Committed,
    IReadOnlyList<ReplicaWriteBatch> Pipelined,
    IReadOnlyList<(ulong Index, ulong Term)> Expected)
{
    public override string ToString() => Name;

    public static IEnumerable<PipelineScenario> All(DurableReplicaId r)
    {
        ReplicaWriteBatch[] stored = [new() { Replica = r, Records = TestLog.Records(1, 5, 1) }];

        yield return new PipelineScenario(
            "truncate pending appends, snapshot over pending records, append again",
            stored,
            [
                new() { Replica = r, Records = TestLog.Records(6, 10, 1) },
                new() { Replica = r, TruncateFrom = 8, Records = TestLog.Records(8, 9, 2), Metadata = TestLog.Metadata(2, 1, 5) },
                new() { Replica = r, Snapshot = TestLog.Snapshot(7, 1) },
                new() { Replica = r, Records = TestLog.Records(10, 12, 2) },
                new() { Replica = r, TruncateFrom = 12, Records = TestLog.Records(12, 13, 3), Metadata = TestLog.Metadata(3, 2, 9) },
            ],
            [(8, 2), (9, 2), (10, 2), (11, 2), (12, 3), (13, 3)]);

        yield return new PipelineScenario(
            "snapshot beyond the end between pending appends",
            stored,
            [
                new() { Replica = r, Records = TestLog.Records(6, 8, 1) },
                new() { Replica = r, Snapshot = TestLog.Snapshot(20, 2) },
                new() { Replica = r, Records = TestLog.Records(21, 23, 2) },
                new() { Replica = r, TruncateFrom = 22, Records = TestLog.Records(22, 22, 3) },
                new() { Replica = r, Snapshot = TestLog.Snapshot(21, 2), Metadata = TestLog.Metadata(3, 3, 21) },
            ],
            [(22, 3)]);

        yield return new PipelineScenario(
            "truncations that reach back past the pending appends into stored records",
            stored,
            [
                new() { Replica = r, Records = TestLog.Records(6, 10, 1) },
                new() { Replica = r, TruncateFrom = 3, Records = TestLog.Records(3, 4, 2) },
                new() { Replica = r, TruncateFrom = 4 },
                new() { Replica = r, Records = TestLog.Records(4, 6, 3), Metadata = TestLog.Metadata(3, 1, 2) },
            ],
            [(1, 1), (2, 1), (3, 2), (4, 3), (5, 3), (6, 3)]);

        yield return new PipelineScenario(
            "snapshots and truncations alternating over a stored snapshot",
            [.. stored, new() { Replica = r, Snapshot = TestLog.Snapshot(2, 1) }],
            [
                new() { Replica = r, Snapshot = TestLog.Snapshot(4, 1) },
                new() { Replica = r, TruncateFrom = 5, Records = TestLog.Records(5, 7, 2) },
                new() { Replica = r, Snapshot = TestLog.Snapshot(6, 2) },
                new() { Replica = r, TruncateFrom = 7, Records = TestLog.Records(7, 7, 3) },
            ],
            [(7, 3)]);

        yield return new PipelineScenario(
            "many single appends, then a truncation of nearly all of them",
            [],
            [
                .. Enumerable.Range(1, 10).Select(i => new ReplicaWriteBatch { Replica = r, Records = TestLog.Records((ulong)i, (ulong)i, 1) }),
                new() { Replica = r, TruncateFrom = 2, Records = TestLog.Records(2, 3, 2) },
            ],
            [(1, 1), (2, 2), (3, 2)]);
    }
}
