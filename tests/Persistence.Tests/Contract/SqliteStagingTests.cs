using Microsoft.Data.Sqlite;
using Synod.Persistence.AdoNet;
using Synod.Runtime.Storage;

namespace Synod.Persistence.Tests.Contract;

/// <summary>
/// SQLite's staging table: small batches are committed into it and moved into the log table in
/// bulk. A crash image is taken by copying the database and its WAL while the store is open and
/// idle — what a kill at that moment leaves on disk — so the staged rows are still there.
/// </summary>
public sealed class SqliteStagingTests
{
    private readonly SqliteProvider _provider = new();

    [Fact]
    public async Task Staged_records_left_by_a_kill_are_loaded_and_verified_after_reopening()
    {
        // Proves that records committed into the staging table survive a kill: the crash image holds staged rows, and reopening it loads every replica exactly as written (through the same per-row checksum, contiguity and state-row checks), with the staging table empty afterwards.
        string location = _provider.NewLocation();
        ReplicaModel[] models = [.. Enumerable.Range(0, 12).Select(i => new ReplicaModel(TestLog.Id($"staged/{i}")))];
        string image;
        await using (AdoNetReplicaStore store = await OpenAsync(location, 4096, Gather))
        {
            foreach (ReplicaModel model in models)
            {
                await store.OpenReplicaAsync(model.Replica);
            }

            for (ulong index = 1; index <= 20; index++)
            {
                // One record per replica per round, all rounds' batches in flight together: the
                // group commits hold one small batch of many replicas, which is what is staged.
                await Task.WhenAll(models.Select(model => WriteAsync(store, model, new()
                {
                    Replica = model.Replica,
                    Records = [TestLog.Record(index, 1)],
                    Metadata = TestLog.Metadata(1, 1, index - 1),
                })));
            }

            image = await CrashImageAsync(location);
        }

        Assert.Equal(12 * 20, await CountStagedAsync(image));
        await using (AdoNetReplicaStore reopened = await _provider.OpenAsync(image))
        {
            foreach (ReplicaModel model in models)
            {
                model.AssertLoaded(await reopened.OpenReplicaAsync(model.Replica));
            }

            // The reloaded shapes go on: a truncation across what was staged.
            await WriteAsync(reopened, models[0], new() { Replica = models[0].Replica, TruncateFrom = 15, Records = TestLog.Records(15, 16, 2, salt: 1) });
        }

        Assert.Equal(0, await CountStagedAsync(image));
        await using AdoNetReplicaStore third = await _provider.OpenAsync(image);
        foreach (ReplicaModel model in models)
        {
            model.AssertLoaded(await third.OpenReplicaAsync(model.Replica));
        }
    }

    [Theory]
    [InlineData(4096, 1)]
    [InlineData(16, 2)]
    [InlineData(1, 3)]
    [InlineData(0, 4)]
    public async Task Random_appends_truncations_and_snapshots_across_staged_and_flushed_rows_land_as_the_model_says(int flushAfter, int seed)
    {
        // Proves that where a record sits (staging table, log table, or moved between them by a bound, a delete, a load or a close) never changes the log: a random mix of pipelined appends of one or many records, conflicting suffixes rewritten, snapshots inside and past the log, replica reopens and store reopens matches the model at every reload, with staging bounds from "flush every commit" to the default and with staging off.
        var random = new Random(seed);
        string location = _provider.NewLocation();
        ReplicaModel[] models = [.. Enumerable.Range(0, 6).Select(i => new ReplicaModel(TestLog.Id($"mix/{i}")))];
        ulong[] terms = [.. models.Select(_ => 1UL)];
        int salt = 0;
        bool sawStaged = false;
        for (int session = 0; session < 4; session++)
        {
            await using AdoNetReplicaStore store = await OpenAsync(location, flushAfter, TimeSpan.FromMilliseconds(2));
            foreach (ReplicaModel model in models)
            {
                model.AssertLoaded(await store.OpenReplicaAsync(model.Replica));
            }

            for (int step = 0; step < 40; step++)
            {
                var writes = new List<Task>();
                for (int r = 0; r < models.Length; r++)
                {
                    // Each replica's batches in one step are pipelined, so they share commits
                    // with each other and with the other replicas' batches.
                    for (int pipelined = random.Next(0, 3); pipelined > 0; pipelined--)
                    {
                        ReplicaWriteBatch batch = NextBatch(random, models[r], ref terms[r], ++salt);
                        models[r].Apply(batch);
                        writes.Add(store.WriteAsync(batch).AsTask());
                    }
                }

                await Task.WhenAll(writes);
                if (random.Next(8) == 0)
                {
                    ReplicaModel reopened = models[random.Next(models.Length)];
                    reopened.AssertLoaded(await store.OpenReplicaAsync(reopened.Replica));
                }

                if (step % 10 == 5)
                {
                    sawStaged |= await CountStagedAsync(await CrashImageAsync(location)) > 0;
                }
            }
        }

        // With staging on, the last commit before an image leaves staged rows unless it held a single replica's batches; with it off, none.
        Assert.Equal(flushAfter > 0, sawStaged);
        await using AdoNetReplicaStore last = await OpenAsync(location, flushAfter);
        foreach (ReplicaModel model in models)
        {
            model.AssertLoaded(await last.OpenReplicaAsync(model.Replica));
        }
    }

    [Theory]
    [InlineData("payload")]
    [InlineData("term")]
    [InlineData("idx")]
    [InlineData("deleted")]
    public async Task A_damaged_staged_row_is_caught_on_load_like_a_damaged_log_row(string damage)
    {
        // Proves that staged rows are verified as strictly as log rows: in a crash image, a flipped payload byte or a changed term fails record 7's checksum, a changed index leaves a gap at 7, and a lost staged row is a gap or a lost tail at 7, each refusing only the victim while the bystander loads.
        DurableReplicaId victim = TestLog.Id("victim/1");
        var bystander = new ReplicaModel(TestLog.Id("bystander/1"));
        string location = _provider.NewLocation();
        string image;
        await using (AdoNetReplicaStore store = await OpenAsync(location, 4096, Gather))
        {
            await store.OpenReplicaAsync(victim);
            await store.OpenReplicaAsync(bystander.Replica);
            for (ulong index = 1; index <= 9; index++)
            {
                // Both replicas' batches in one commit: a commit of one replica is not staged.
                await Task.WhenAll(
                    store.WriteAsync(new() { Replica = victim, Records = [TestLog.Record(index, 1)], Metadata = TestLog.Metadata(1, 1, index) }).AsTask(),
                    WriteAsync(store, bystander, new() { Replica = bystander.Replica, Records = [TestLog.Record(index, 1)], Metadata = TestLog.Metadata(1, 1, index) }));
            }

            image = await CrashImageAsync(location);
        }

        const ulong Index = 7;
        string row = $"replica = (SELECT id FROM synod_replica WHERE name = 'victim/1') AND idx = {Index}";
        byte[] payload = TestLog.Record(Index, 1).Payload.ToArray();
        payload[0] ^= 0x10;
        await _provider.ExecuteAsync(image, damage switch
        {
            "payload" => $"UPDATE {SqliteDialect.StagedTable} SET payload = {_provider.BlobLiteral(payload)} WHERE {row}",
            "term" => $"UPDATE {SqliteDialect.StagedTable} SET term = term + 1 WHERE {row}",
            "idx" => $"UPDATE {SqliteDialect.StagedTable} SET idx = 100 WHERE {row}",
            _ => $"DELETE FROM {SqliteDialect.StagedTable} WHERE {row}",
        });
        Assert.Equal(18 - (damage == "deleted" ? 1 : 0), await CountStagedAsync(image));

        await using AdoNetReplicaStore reopened = await _provider.OpenAsync(image);
        bystander.AssertLoaded(await reopened.OpenReplicaAsync(bystander.Replica));
        StorageCorruptionException corrupt = await Assert.ThrowsAsync<StorageCorruptionException>(() => reopened.OpenReplicaAsync(victim).AsTask());
        Assert.Equal(victim, corrupt.Replica);
        Assert.Equal(Index, corrupt.Index);
        if (damage is "payload" or "term")
        {
            Assert.Contains("checksum", corrupt.Problem, StringComparison.Ordinal);
        }

        Assert.Equal(1, reopened.Statistics.Corruptions);
    }

    [Fact]
    public async Task A_store_of_schema_version_2_is_migrated_and_keeps_its_log()
    {
        // Proves the upgrade path: a file written before the staging table existed (version 2, no staged table) opens, gains the table and version 3, and keeps its replicas' logs.
        string location = _provider.NewLocation();
        var model = new ReplicaModel(TestLog.Id("old/1"));
        await using (AdoNetReplicaStore store = await OpenAsync(location, 0))
        {
            await store.OpenReplicaAsync(model.Replica);
            await WriteAsync(store, model, new() { Replica = model.Replica, Records = TestLog.Records(1, 5, 1), Metadata = TestLog.Metadata(1, 1, 2) });
        }

        await _provider.ExecuteAsync(location, $"DROP TABLE {SqliteDialect.StagedTable}; UPDATE synod_schema SET version = 2;");
        await using (AdoNetReplicaStore store = await _provider.OpenAsync(location))
        {
            model.AssertLoaded(await store.OpenReplicaAsync(model.Replica));
            await WriteAsync(store, model, new() { Replica = model.Replica, Records = [TestLog.Record(6, 1)] });
        }

        Assert.Equal(3L, await ScalarAsync(location, "SELECT version FROM synod_schema"));
        await using AdoNetReplicaStore reopened = await _provider.OpenAsync(location);
        model.AssertLoaded(await reopened.OpenReplicaAsync(model.Replica));
    }

    [Fact]
    public async Task A_store_of_a_newer_schema_version_is_refused()
    {
        // Proves that a file of a future version (which might keep rows where this code does not look) is refused at open with a StorageException naming both versions.
        string location = _provider.NewLocation();
        await using (AdoNetReplicaStore store = await _provider.OpenAsync(location))
        {
            await store.OpenReplicaAsync(TestLog.Id("new/1"));
        }

        await _provider.ExecuteAsync(location, "UPDATE synod_schema SET version = 4");
        await using AdoNetReplicaStore refused = _provider.Create(location);
        StorageException error = await Assert.ThrowsAnyAsync<StorageException>(() => refused.Started);
        Assert.Contains("schema version 4, newer than this Synod's 3", error.Message, StringComparison.Ordinal);
    }

    private static ReplicaWriteBatch NextBatch(Random random, ReplicaModel model, ref ulong term, int salt)
    {
        ulong last = model.LastIndex;
        ulong first = model.Snapshot?.Index ?? 0;
        int kind = random.Next(10);
        if (kind == 0 && last > first)
        {
            // A conflicting suffix rewritten in a higher term.
            ulong from = (ulong)random.NextInt64((long)first + 1, (long)last + 1);
            term++;
            return new() { Replica = model.Replica, TruncateFrom = from, Records = TestLog.Records(from, from + (ulong)random.Next(0, 3), term, salt), Metadata = TestLog.Metadata(term, 1, from - 1) };
        }

        if (kind == 1)
        {
            // A snapshot inside the log (compaction) or past its end (an installed snapshot).
            ulong at = random.Next(4) == 0 ? last + (ulong)random.Next(1, 4) : (ulong)random.NextInt64((long)first, (long)last + 1);
            if (at > first)
            {
                return new() { Replica = model.Replica, Snapshot = TestLog.Snapshot(at, term), Metadata = TestLog.Metadata(term, 1, at) };
            }
        }

        // Mostly one record (staged); now and then a batch big enough to go straight to the log.
        if (random.Next(6) == 0)
        {
            ulong current = term;
            LogRecord[] big = [.. Enumerable.Range(0, 8).Select(i => new LogRecord(last + 1 + (ulong)i, current, 1, TestLog.Payload(last + 1 + (ulong)i, current, salt, 700)))];
            return new() { Replica = model.Replica, Records = big, Metadata = TestLog.Metadata(term, 1, last) };
        }

        return new() { Replica = model.Replica, Records = TestLog.Records(last + 1, last + (ulong)random.Next(1, 3), term, salt), Metadata = TestLog.Metadata(term, 1, last) };
    }

    // Long enough for the writer to take every batch a test submits at once into one commit (a
    // commit of a single replica's batches writes straight into the log).
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(50);

    private Task<AdoNetReplicaStore> OpenAsync(string location, int flushAfter, TimeSpan? gather = null) =>
        _provider.OpenAsync(location, options =>
        {
            ((SqliteReplicaStoreOptions)options).StagedRecordsBeforeFlush = flushAfter;
            options.MaxGroupCommitDelay = gather ?? TimeSpan.Zero;
        });

    private static async Task WriteAsync(AdoNetReplicaStore store, ReplicaModel model, ReplicaWriteBatch batch)
    {
        await store.WriteAsync(batch);
        model.Apply(batch);
    }

    /// <summary>Copies the database and its WAL as they are on disk now, as a kill would leave them.</summary>
    private async Task<string> CrashImageAsync(string location)
    {
        string image = _provider.NewLocation();
        File.Copy(location, image);
        if (File.Exists(location + "-wal"))
        {
            File.Copy(location + "-wal", image + "-wal");
        }

        await Task.CompletedTask;
        return image;
    }

    private static async Task<long> CountStagedAsync(string location) => await ScalarAsync(location, $"SELECT count(*) FROM {SqliteDialect.StagedTable}");

    private static async Task<long> ScalarAsync(string location, string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = location, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
