using Synod.Persistence.AdoNet;
using Synod.Persistence.CrashWriter;
using Synod.Runtime.Storage;

namespace Synod.Persistence.Tests.Crash;

/// <summary>
/// The crash check has teeth. Turning durability off does not make a store fail under SIGKILL
/// (the page cache survives the process), so instead these tests feed the check states that a
/// broken store could leave and make sure each one is reported.
/// </summary>
public sealed class CrashCheckTests
{
    private const ulong Seed = 20_240_917;
    private const int Replicas = 4;

    [Fact]
    public async Task The_check_reports_lost_acknowledgements_and_more_than_one_batch_in_flight()
    {
        // Proves the check fails a store that lost acknowledged batches (or holds more than the one in-flight batch) and passes the same store against the truth.
        (IReadOnlyList<ReplicaDurableState> states, ulong[] versions) = await WriteWorkloadAsync();

        Assert.Empty(CrashCheck.Check(Seed, states, versions).Violations);
        Assert.Empty(CrashCheck.Check(Seed, states, versions.Select(v => v - 1).ToArray()).Violations);

        CrashVerdict lost = CrashCheck.Check(Seed, states, versions.Select(v => v + 2).ToArray());
        Assert.Equal(Replicas, lost.Violations.Count);
        Assert.All(lost.Violations, v => Assert.Contains("which was acknowledged or already durable", v, StringComparison.Ordinal));

        CrashVerdict ahead = CrashCheck.Check(Seed, states, versions.Select(v => v - 2).ToArray());
        Assert.Equal(Replicas, ahead.Violations.Count);
        Assert.All(ahead.Violations, v => Assert.Contains("more than one batch past", v, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_check_reports_a_torn_batch_and_garbage_after_the_log()
    {
        // Proves the check fails a log that is not a clean prefix: a batch's metadata without its records, a record missing from the end, a record nobody wrote.
        (IReadOnlyList<ReplicaDurableState> states, ulong[] versions) = await WriteWorkloadAsync();
        int replica = Enumerable.Range(0, Replicas).First(r => states[r].Records.Count > 0);
        ReplicaDurableState state = states[replica];
        LogRecord last = state.Records[^1];

        ReplicaDurableState[] torn =
        [
            state with { Metadata = CrashWorkload.VersionMetadata(versions[replica] + 1) },
            state with { Records = state.Records.Take(state.Records.Count - 1).ToList() },
            state with { Records = [.. state.Records, CrashWorkload.Record(replica, last.Index + 1, last.Term)] },
        ];
        foreach (ReplicaDurableState broken in torn)
        {
            ReplicaDurableState[] checkedStates = [.. states];
            checkedStates[replica] = broken;
            CrashVerdict verdict = CrashCheck.Check(Seed, checkedStates, versions);
            string violation = Assert.Single(verdict.Violations);
            Assert.StartsWith($"replica {replica}: the state at durable version", violation, StringComparison.Ordinal);
        }
    }

    /// <summary>Writes a few dozen batches per replica in process, then reopens the store and loads every replica.</summary>
    private static async Task<(IReadOnlyList<ReplicaDurableState> States, ulong[] Versions)> WriteWorkloadAsync()
    {
        var provider = new SqliteProvider();
        string location = provider.NewLocation();
        var versions = new ulong[Replicas];
        await using (AdoNetReplicaStore store = await provider.OpenAsync(location))
        {
            for (int replica = 0; replica < Replicas; replica++)
            {
                var model = new ReplicaModel(Seed, replica);
                await store.OpenReplicaAsync(model.Name);
                for (int batch = 0; batch < 20 + (7 * replica); batch++)
                {
                    ReplicaWriteBatch next = model.NextBatch();
                    await store.WriteAsync(next);
                    model.Apply(next);
                }

                versions[replica] = model.Version;
            }
        }

        await using AdoNetReplicaStore reopened = await provider.OpenAsync(location);
        var states = new ReplicaDurableState[Replicas];
        for (int replica = 0; replica < Replicas; replica++)
        {
            states[replica] = await reopened.OpenReplicaAsync(CrashWorkload.ReplicaName(replica));
        }

        return (states, versions);
    }
}
