using Synod.Persistence.AdoNet;
using Synod.Runtime.Storage;

namespace Synod.Persistence.Tests.Contract;

/// <summary>
/// The <see cref="IReplicaStore"/> contract, run by the same code against every provider: what a
/// batch does to a replica's log, that pipelined and concurrent batches land as if applied in
/// order, that bad input is refused with nothing written, and that a store is held by one owner.
/// Every check reloads from a reopened store, so it is about what is durable, not what is cached.
/// </summary>
public abstract class ReplicaStoreContractTests<TProvider>
    where TProvider : StoreProvider, new()
{
    private static readonly DurableReplicaId Replica = TestLog.Id("kv-1/1");

    protected TProvider Provider { get; } = new();

    [Fact]
    public async Task Records_metadata_and_snapshot_come_back_byte_for_byte_after_a_reopen()
    {
        // Proves the round trip: every record's index, term, kind and payload, the metadata and the snapshot are reloaded exactly, including empty payloads, sliced buffers, kind 255 and terms above long.MaxValue.
        string location = Provider.NewLocation();
        var model = new ReplicaModel(Replica);
        byte[] buffer = TestLog.Payload(99, 9, 0, 1000);
        ReplicaWriteBatch[] batches =
        [
            new() { Replica = Replica, Records = TestLog.Records(1, 5, 1), Metadata = TestLog.Metadata(1, 2, 0) },
            new()
            {
                Replica = Replica,
                Records =
                [
                    new LogRecord(6, 2, 0, buffer.AsMemory(8, 20)),
                    new LogRecord(7, 2, 255, ReadOnlyMemory<byte>.Empty),
                    new LogRecord(8, (1UL << 63) + 5, 1, buffer.AsMemory(1, 63)),
                    new LogRecord(9, ulong.MaxValue, 2, buffer),
                ],
                Metadata = ReadOnlyMemory<byte>.Empty,
            },
            new() { Replica = Replica, Snapshot = new ReplicaSnapshot(3, 1, buffer.AsMemory(100, 50)), Metadata = TestLog.Metadata(2, 2, 3) },
        ];

        await using (AdoNetReplicaStore store = await Provider.OpenAsync(location))
        {
            ReplicaDurableState fresh = await store.OpenReplicaAsync(Replica);
            Assert.True(fresh.IsEmpty);
            Assert.Equal(0UL, fresh.LastIndex);
            foreach (ReplicaWriteBatch batch in batches)
            {
                await store.WriteAsync(batch);
                model.Apply(batch);
            }

            ReplicaStoreStatistics statistics = store.Statistics;
            Assert.Equal(3, statistics.Batches);
            Assert.Equal(9, statistics.Records);
            Assert.InRange(statistics.Commits, 1, 3);
            Assert.Equal(0, statistics.Rejected);
            model.AssertLoaded(await store.OpenReplicaAsync(Replica));
        }

        await using (AdoNetReplicaStore reopened = await Provider.OpenAsync(location))
        {
            Assert.Equal([Replica], await reopened.ListReplicasAsync());
            ReplicaDurableState state = await reopened.OpenReplicaAsync(Replica);
            Assert.False(state.IsEmpty);
            model.AssertLoaded(state);

            // The reloaded shape accepts the next record and nothing else.
            var next = new ReplicaWriteBatch { Replica = Replica, Records = TestLog.Records(10, 11, 3), Metadata = TestLog.Metadata(3, 1, 9) };
            await reopened.WriteAsync(next);
            model.Apply(next);
        }

        await using AdoNetReplicaStore third = await Provider.OpenAsync(location);
        model.AssertLoaded(await third.OpenReplicaAsync(Replica));
    }

    [Fact]
    public async Task A_truncated_suffix_is_replaced_by_records_of_a_new_term()
    {
        // Proves that TruncateFrom deletes every record from that index on before the batch's records are appended, in one session and across reopens, down to rewriting the whole log.
        string location = Provider.NewLocation();
        var model = new ReplicaModel(Replica);
        await using (AdoNetReplicaStore store = await Provider.OpenAsync(location))
        {
            await store.OpenReplicaAsync(Replica);
            await WriteAsync(store, model, new() { Replica = Replica, Records = TestLog.Records(1, 10, 1), Metadata = TestLog.Metadata(1, 1, 4) });
            await WriteAsync(store, model, new() { Replica = Replica, TruncateFrom = 6, Records = TestLog.Records(6, 8, 2, salt: 1), Metadata = TestLog.Metadata(2, 1, 4) });

            // Truncating at last + 1 removes nothing and is allowed.
            await WriteAsync(store, model, new() { Replica = Replica, TruncateFrom = 9, Records = TestLog.Records(9, 9, 2, salt: 1) });
        }

        await using (AdoNetReplicaStore store = await Provider.OpenAsync(location))
        {
            ReplicaDurableState state = await store.OpenReplicaAsync(Replica);
            model.AssertLoaded(state);
            Assert.Equal([1UL, 1, 1, 1, 1, 2, 2, 2, 2], state.Records.Select(r => r.Term));

            // A truncation alone, then the append in a later batch.
            await WriteAsync(store, model, new() { Replica = Replica, TruncateFrom = 3 });
            await WriteAsync(store, model, new() { Replica = Replica, Records = TestLog.Records(3, 4, 3, salt: 2) });
        }

        await using (AdoNetReplicaStore store = await Provider.OpenAsync(location))
        {
            model.AssertLoaded(await store.OpenReplicaAsync(Replica));
            await WriteAsync(store, model, new() { Replica = Replica, TruncateFrom = 1, Records = TestLog.Records(1, 2, 4, salt: 3) });
        }

        await using AdoNetReplicaStore last = await Provider.OpenAsync(location);
        ReplicaDurableState rewritten = await last.OpenReplicaAsync(Replica);
        model.AssertLoaded(rewritten);
        Assert.Equal([4UL, 4], rewritten.Records.Select(r => r.Term));
    }

    [Fact]
    public async Task A_snapshot_compacts_the_prefix_and_one_beyond_the_end_empties_the_log()
    {
        // Proves that a snapshot removes the records it covers and keeps the rest, and that a snapshot past the last record empties the log so the next append must start right after it.
        string location = Provider.NewLocation();
        var model = new ReplicaModel(Replica);
        await using (AdoNetReplicaStore store = await Provider.OpenAsync(location))
        {
            await store.OpenReplicaAsync(Replica);
            await WriteAsync(store, model, new() { Replica = Replica, Records = TestLog.Records(1, 10, 1) });
            await WriteAsync(store, model, new() { Replica = Replica, Snapshot = TestLog.Snapshot(4, 1) });
        }

        await using (AdoNetReplicaStore store = await Provider.OpenAsync(location))
        {
            ReplicaDurableState state = await store.OpenReplicaAsync(Replica);
            model.AssertLoaded(state);
            Assert.Equal(5UL, state.Records[0].Index);
            Assert.Equal(10UL, state.LastIndex);
            await WriteAsync(store, model, new() { Replica = Replica, Snapshot = TestLog.Snapshot(15, 2) });
        }

        await using (AdoNetReplicaStore store = await Provider.OpenAsync(location))
        {
            ReplicaDurableState state = await store.OpenReplicaAsync(Replica);
            model.AssertLoaded(state);
            Assert.Empty(state.Records);
            Assert.Equal(15UL, state.LastIndex);

            // Only index 16 may come next: not the snapshot's own index, not a gap. A refusal
            // fences the replica, so it is opened again before each attempt.
            await AssertRejectedAsync(store, new() { Replica = Replica, Records = TestLog.Records(15, 16, 2) }, StorageRejection.OutOfOrder);
            model.AssertLoaded(await store.OpenReplicaAsync(Replica));
            await AssertRejectedAsync(store, new() { Replica = Replica, Records = TestLog.Records(17, 17, 2) }, StorageRejection.OutOfOrder);
            model.AssertLoaded(await store.OpenReplicaAsync(Replica));
            await WriteAsync(store, model, new() { Replica = Replica, Records = TestLog.Records(16, 18, 2) });
        }

        await using AdoNetReplicaStore last = await Provider.OpenAsync(location);
        model.AssertLoaded(await last.OpenReplicaAsync(Replica));
    }

    [Fact]
    public async Task A_snapshot_with_a_truncation_replaces_a_conflicting_log_in_one_batch()
    {
        // Proves the follower case of the batch remarks: a snapshot inside the log plus TruncateFrom = its index + 1 drops both the covered prefix and the conflicting suffix before the new records go in.
        string location = Provider.NewLocation();
        var model = new ReplicaModel(Replica);
        await using (AdoNetReplicaStore store = await Provider.OpenAsync(location))
        {
            await store.OpenReplicaAsync(Replica);
            await WriteAsync(store, model, new() { Replica = Replica, Records = TestLog.Records(1, 10, 1) });
            await WriteAsync(store, model, new()
            {
                Replica = Replica,
                Snapshot = TestLog.Snapshot(7, 5),
                TruncateFrom = 8,
                Records = TestLog.Records(8, 9, 5, salt: 1),
                Metadata = TestLog.Metadata(5, 3, 7),
            });
        }

        await using AdoNetReplicaStore reopened = await Provider.OpenAsync(location);
        ReplicaDurableState state = await reopened.OpenReplicaAsync(Replica);
        model.AssertLoaded(state);
        Assert.Equal([8UL, 9], state.Records.Select(r => r.Index));
        Assert.All(state.Records, r => Assert.Equal(5UL, r.Term));
    }

    [Fact]
    public async Task Pipelined_batches_that_rewrite_each_other_in_one_transaction_land_as_if_applied_in_order()
    {
        // Proves the in-transaction merge: batches submitted back to back (a truncation of what an earlier pending batch appended, a snapshot over pending records, more appends) leave the state the in-order model predicts, and all of them share one commit.
        foreach (PipelineScenario scenario in PipelineScenario.All(Replica))
        {
            await AssertPipelinedAsync(scenario, oneTransaction: true);
        }
    }

    [Fact]
    public async Task Pipelined_batches_land_as_if_applied_in_order_however_the_writer_groups_them()
    {
        // Proves the same scenarios without a commit delay, where the writer may split the batches over several transactions at any point.
        foreach (PipelineScenario scenario in PipelineScenario.All(Replica))
        {
            await AssertPipelinedAsync(scenario, oneTransaction: false);
        }
    }

    [Fact]
    public async Task A_rejected_batch_among_pipelined_ones_fails_with_its_reason_and_fences_the_ones_queued_behind_it()
    {
        // Proves that a batch refused inside a group commit (a gap) fails with its reason, the replica's batches queued behind it fail with Fenced and nothing of either is written, the batch before it and another replica's batch in the same group are durable, and after a reopen the replica writes on from what is durable.
        string location = Provider.NewLocation();
        DurableReplicaId neighbour = TestLog.Id("kv-1/2");
        var model = new ReplicaModel(Replica);
        var other = new ReplicaModel(neighbour);
        var time = new HeldTimeProvider();
        await using (AdoNetReplicaStore store = await Provider.OpenAsync(location, o => o.MaxGroupCommitDelay = TimeSpan.FromMilliseconds(100), time))
        {
            await store.OpenReplicaAsync(Replica);
            await store.OpenReplicaAsync(neighbour);
            ReplicaWriteBatch first = new() { Replica = Replica, Records = TestLog.Records(1, 5, 1) };
            ReplicaWriteBatch gap = new() { Replica = Replica, Records = TestLog.Records(7, 8, 1), Metadata = TestLog.Metadata(9, 9, 9) };
            ReplicaWriteBatch after = new() { Replica = Replica, TruncateFrom = 5, Records = TestLog.Records(5, 6, 2), Metadata = TestLog.Metadata(2, 1, 3) };
            ReplicaWriteBatch commit = new() { Replica = Replica, Metadata = TestLog.Metadata(2, 1, 6) };
            ReplicaWriteBatch aside = new() { Replica = neighbour, Records = TestLog.Records(1, 3, 1), Metadata = TestLog.Metadata(1, 2, 0) };

            // The writer waits in its group-commit delay until every batch is queued: one group, in this order.
            time.Hold();
            Task[] writes = [.. new[] { first, gap, aside, after, commit }.Select(b => store.WriteAsync(b).AsTask())];
            time.Release();

            await writes[0];
            StorageRejectedException rejected = await Assert.ThrowsAsync<StorageRejectedException>(() => writes[1]);
            Assert.Equal(StorageRejection.OutOfOrder, rejected.Reason);
            await writes[2];
            foreach (Task behind in writes[3..])
            {
                StorageRejectedException fenced = await Assert.ThrowsAsync<StorageRejectedException>(() => behind);
                Assert.Equal(StorageRejection.Fenced, fenced.Reason);
                Assert.Equal(Replica, fenced.Replica);
            }

            model.Apply(first);
            other.Apply(aside);
            Assert.Equal(3, store.Statistics.Rejected);
            Assert.Equal(2, store.Statistics.Batches);

            // Reopening lifts the fence and hands back what is durable; the replica continues from there.
            model.AssertLoaded(await store.OpenReplicaAsync(Replica));
            await WriteAsync(store, model, after);
            await WriteAsync(store, model, commit);
            Assert.Equal(4, store.Statistics.Batches);
        }

        await using AdoNetReplicaStore reopened = await Provider.OpenAsync(location);
        model.AssertLoaded(await reopened.OpenReplicaAsync(Replica));
        other.AssertLoaded(await reopened.OpenReplicaAsync(neighbour));
    }

    [Fact]
    public async Task A_fenced_replica_refuses_every_write_until_it_is_opened_again_while_its_neighbour_writes_on()
    {
        // Proves that after a refused write, whether the writer refused it or the submit check did, every later batch of that replica fails with Fenced and writes nothing, another replica of the same store writes on meanwhile, and OpenReplicaAsync lifts the fence and returns the durable state.
        string location = Provider.NewLocation();
        DurableReplicaId neighbour = TestLog.Id("kv-1/2");
        var model = new ReplicaModel(Replica);
        var other = new ReplicaModel(neighbour);
        await using (AdoNetReplicaStore store = await Provider.OpenAsync(location))
        {
            await store.OpenReplicaAsync(Replica);
            await store.OpenReplicaAsync(neighbour);
            await WriteAsync(store, model, new() { Replica = Replica, Records = TestLog.Records(1, 5, 1), Metadata = TestLog.Metadata(1, 1, 4) });
            await WriteAsync(store, other, new() { Replica = neighbour, Records = TestLog.Records(1, 5, 1), Metadata = TestLog.Metadata(1, 1, 4) });

            // Refused by the writer: record 7 does not follow 5. Then batches that would be fine on
            // the durable log — record 6, a commit of 7 as if the refused record had landed, a
            // truncation, a snapshot — all fail, while the neighbour's writes land.
            await AssertRejectedAsync(store, new() { Replica = Replica, Records = TestLog.Records(7, 7, 1) }, StorageRejection.OutOfOrder);
            ReplicaWriteBatch[] refused =
            [
                new() { Replica = Replica, Records = TestLog.Records(6, 6, 1), Metadata = TestLog.Metadata(1, 1, 6) },
                new() { Replica = Replica, Metadata = TestLog.Metadata(1, 1, 7) },
                new() { Replica = Replica, TruncateFrom = 3 },
                new() { Replica = Replica, Snapshot = TestLog.Snapshot(4, 1) },
            ];
            foreach (ReplicaWriteBatch batch in refused)
            {
                await AssertRejectedAsync(store, batch, StorageRejection.Fenced);
                await WriteAsync(store, other, new() { Replica = neighbour, Records = TestLog.Records(other.LastIndex + 1, other.LastIndex + 1, 1) });
            }

            Assert.Equal(5, store.Statistics.Rejected);
            model.AssertLoaded(await store.OpenReplicaAsync(Replica));
            await WriteAsync(store, model, refused[0]);

            // Refused at submit (index 0): fenced the same way, until the next open.
            await AssertRejectedAsync(store, new() { Replica = Replica, Records = [TestLog.Record(0, 1)], Metadata = TestLog.Metadata(1, 1, 6) }, StorageRejection.OutOfOrder);
            await AssertRejectedAsync(store, new() { Replica = Replica, Records = TestLog.Records(7, 7, 1) }, StorageRejection.Fenced);
            await WriteAsync(store, other, new() { Replica = neighbour, Records = TestLog.Records(other.LastIndex + 1, other.LastIndex + 2, 2) });
            Assert.Equal(7, store.Statistics.Rejected);
            model.AssertLoaded(await store.OpenReplicaAsync(Replica));
            await WriteAsync(store, model, new() { Replica = Replica, Records = TestLog.Records(7, 7, 1), Metadata = TestLog.Metadata(1, 1, 7) });
            other.AssertLoaded(await store.OpenReplicaAsync(neighbour));
        }

        await using AdoNetReplicaStore reopened = await Provider.OpenAsync(location);
        model.AssertLoaded(await reopened.OpenReplicaAsync(Replica));
        other.AssertLoaded(await reopened.OpenReplicaAsync(neighbour));
    }

    [Fact]
    public async Task A_write_abandoned_while_waiting_for_queue_room_fences_its_replica()
    {
        // Proves that a WriteAsync cancelled while the queue is full throws OperationCanceledException and fences its replica: its batch queued earlier but not yet written fails with Fenced, so do its later writes until it is opened again, and a neighbour waiting for room is written.
        string location = Provider.NewLocation();
        DurableReplicaId neighbour = TestLog.Id("kv-1/2");
        var model = new ReplicaModel(Replica);
        var other = new ReplicaModel(neighbour);
        var time = new HeldTimeProvider();
        Action<ReplicaStoreOptions> tight = o =>
        {
            o.MaxQueuedRequests = 1;
            o.MaxGroupCommitDelay = TimeSpan.FromMilliseconds(200);
        };
        await using (AdoNetReplicaStore store = await Provider.OpenAsync(location, tight, time))
        {
            await store.OpenReplicaAsync(Replica);
            await store.OpenReplicaAsync(neighbour);
            await WriteAsync(store, model, new() { Replica = Replica, Records = TestLog.Records(1, 3, 1) });
            await WriteAsync(store, other, new() { Replica = neighbour, Records = TestLog.Records(1, 2, 1) });

            // The writer holds in its delay with this batch queued: the one-place queue is full.
            time.Hold();
            Task queued;
            Task waiting;
            try
            {
                queued = store.WriteAsync(new() { Replica = Replica, Records = TestLog.Records(4, 5, 1) }).AsTask();
                using var cancelled = new CancellationTokenSource();
                await cancelled.CancelAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(
                    () => store.WriteAsync(new() { Replica = Replica, Records = TestLog.Records(6, 6, 1) }, cancelled.Token).AsTask());
                await AssertRejectedAsync(store, new() { Replica = Replica, Records = TestLog.Records(6, 6, 1) }, StorageRejection.Fenced);
                waiting = store.WriteAsync(new() { Replica = neighbour, Records = TestLog.Records(3, 4, 1) }).AsTask();
                Assert.False(waiting.IsCompleted);
            }
            finally
            {
                time.Release();
            }

            // Queued before the abandoned write, but not yet written when the fence went up.
            StorageRejectedException fenced = await Assert.ThrowsAsync<StorageRejectedException>(() => queued);
            Assert.Equal(StorageRejection.Fenced, fenced.Reason);
            await waiting;
            other.Apply(new() { Replica = neighbour, Records = TestLog.Records(3, 4, 1) });
            Assert.Equal(2, store.Statistics.Rejected);

            model.AssertLoaded(await store.OpenReplicaAsync(Replica));
            await WriteAsync(store, model, new() { Replica = Replica, Records = TestLog.Records(4, 6, 1), Metadata = TestLog.Metadata(1, 1, 6) });
        }

        await using AdoNetReplicaStore reopened = await Provider.OpenAsync(location);
        model.AssertLoaded(await reopened.OpenReplicaAsync(Replica));
        other.AssertLoaded(await reopened.OpenReplicaAsync(neighbour));
    }

    [Fact]
    public async Task A_batch_is_taken_as_it_was_at_submit_even_if_the_caller_reuses_its_list()
    {
        // Proves that WriteAsync copies the batch's record list before checking it: overwriting, clearing and refilling the caller's list while the batch waits in the queue changes neither what is checked nor what is stored.
        string location = Provider.NewLocation();
        var model = new ReplicaModel(Replica);
        var time = new HeldTimeProvider();
        await using (AdoNetReplicaStore store = await Provider.OpenAsync(location, o => o.MaxGroupCommitDelay = TimeSpan.FromMilliseconds(100), time))
        {
            await store.OpenReplicaAsync(Replica);
            List<LogRecord> records = [.. TestLog.Records(1, 4, 1)];
            var batch = new ReplicaWriteBatch { Replica = Replica, Records = records, Metadata = TestLog.Metadata(1, 1, 2) };
            model.Apply(batch);

            // The writer waits until the list has been reused, so an uncopied list would be read changed.
            time.Hold();
            Task write;
            try
            {
                write = store.WriteAsync(batch).AsTask();
                records[0] = TestLog.Record(1, 7, salt: 5);
                records[3] = TestLog.Record(9, 7, salt: 5);
                records.Clear();
                records.AddRange(TestLog.Records(1, 9, 7, salt: 6));
            }
            finally
            {
                time.Release();
            }

            await write;
            model.AssertLoaded(await store.OpenReplicaAsync(Replica));
        }

        await using AdoNetReplicaStore reopened = await Provider.OpenAsync(location);
        ReplicaDurableState state = await reopened.OpenReplicaAsync(Replica);
        model.AssertLoaded(state);
        Assert.All(state.Records, r => Assert.Equal(1UL, r.Term));
    }

    [Fact]
    public async Task An_empty_replica_id_is_refused_with_an_argument_error_and_the_store_serves_on()
    {
        // Proves that default(DurableReplicaId) passed to OpenReplicaAsync, WriteAsync or DeleteReplicaAsync fails with ArgumentException before reaching the writer, and other replicas open, write and reload afterwards.
        string location = Provider.NewLocation();
        var model = new ReplicaModel(Replica);
        await using (AdoNetReplicaStore store = await Provider.OpenAsync(location))
        {
            ArgumentException open = Assert.Throws<ArgumentException>(() => { _ = store.OpenReplicaAsync(default).AsTask(); });
            Assert.Equal("replica", open.ParamName);
            Assert.Throws<ArgumentException>(() => { _ = store.WriteAsync(new() { Replica = default, Records = TestLog.Records(1, 1, 1) }).AsTask(); });

            ArgumentException delete = Assert.Throws<ArgumentException>(() => { _ = store.DeleteReplicaAsync(default).AsTask(); });
            Assert.Equal("replica", delete.ParamName);

            Assert.True((await store.OpenReplicaAsync(Replica)).IsEmpty);
            await WriteAsync(store, model, new() { Replica = Replica, Records = TestLog.Records(1, 3, 1), Metadata = TestLog.Metadata(1, 1, 0) });
            model.AssertLoaded(await store.OpenReplicaAsync(Replica));
            Assert.Equal([Replica], await store.ListReplicasAsync());
            Assert.Equal(0, store.Statistics.Rejected);
        }

        await using AdoNetReplicaStore reopened = await Provider.OpenAsync(location);
        model.AssertLoaded(await reopened.OpenReplicaAsync(Replica));
    }

    [Fact]
    public async Task Two_thousand_replicas_share_one_store_and_its_commits()
    {
        // Proves that a store holds thousands of replicas side by side, that concurrent writers are group-committed (fewer commits than batches), and that each replica reloads exactly while the list comes back in ordinal name order.
        const int Count = 2_000;
        string location = Provider.NewLocation();
        ReplicaModel[] models = [.. Enumerable.Range(0, Count).Select(i => new ReplicaModel(TestLog.Id(ManyName(i))))];
        await using (AdoNetReplicaStore store = await Provider.OpenAsync(location))
        {
            await Task.WhenAll(models.Select(m => store.OpenReplicaAsync(m.Replica).AsTask()));
            await Task.WhenAll(models.Select((m, i) => WriteFewAsync(store, m, i)));

            ReplicaStoreStatistics statistics = store.Statistics;
            Assert.Equal(2 * Count, statistics.Batches);
            Assert.Equal(5 * Count, statistics.Records);
            Assert.True(statistics.Commits < statistics.Batches, $"{statistics.Commits} commits for {statistics.Batches} batches: no group commit happened.");
        }

        await using AdoNetReplicaStore reopened = await Provider.OpenAsync(location);
        IReadOnlyList<DurableReplicaId> listed = await reopened.ListReplicasAsync();
        Assert.Equal(models.Select(m => m.Replica.Value).Order(StringComparer.Ordinal), listed.Select(r => r.Value));
        ReplicaDurableState[] states = await Task.WhenAll(models.Select(m => reopened.OpenReplicaAsync(m.Replica).AsTask()));
        for (int i = 0; i < Count; i++)
        {
            models[i].AssertLoaded(states[i]);
        }
    }

    [Fact]
    public async Task Many_replicas_writing_sequential_batches_at_once_each_end_up_exact()
    {
        // Proves that concurrent writers, each awaiting a long run of its own batches (appends, rewrites of the last record, snapshots), interfere with none of the others.
        const int Writers = 40;
        const int BatchesEach = 50;
        string location = Provider.NewLocation();
        ReplicaModel[] models = [.. Enumerable.Range(0, Writers).Select(i => new ReplicaModel(TestLog.Id($"writer-{i}/{i % 3}")))];
        await using (AdoNetReplicaStore store = await Provider.OpenAsync(location))
        {
            await Task.WhenAll(models.Select(m => store.OpenReplicaAsync(m.Replica).AsTask()));
            await Task.WhenAll(models.Select((m, i) => Task.Run(() => WriteManyAsync(store, m, i, BatchesEach))));
            Assert.Equal(Writers * BatchesEach, store.Statistics.Batches);
            Assert.Equal(0, store.Statistics.Rejected);
        }

        await using AdoNetReplicaStore reopened = await Provider.OpenAsync(location);
        foreach (ReplicaModel model in models)
        {
            ReplicaDurableState state = await reopened.OpenReplicaAsync(model.Replica);
            model.AssertLoaded(state);
            Assert.NotNull(state.Snapshot);
        }
    }

    [Fact]
    public async Task Bad_batches_are_refused_with_their_reason_and_nothing_of_them_is_written()
    {
        // Proves that each kind of bad input fails with a StorageRejectedException naming the replica and its own reason, is counted, writes none of its parts, fences the replica until it is opened again, and leaves the store serving.
        string location = Provider.NewLocation();
        DurableReplicaId stranger = TestLog.Id("never/opened");
        var model = new ReplicaModel(Replica);
        Action<ReplicaStoreOptions> limits = o =>
        {
            o.MaxRecordBytes = 64;
            o.MaxMetadataBytes = 32;
            o.MaxSnapshotBytes = 128;
            o.MaxRecordsPerBatch = 8;
        };
        await using (AdoNetReplicaStore store = await Provider.OpenAsync(location, limits))
        {
            await store.OpenReplicaAsync(Replica);
            await WriteAsync(store, model, new() { Replica = Replica, Records = TestLog.Records(1, 5, 1), Metadata = TestLog.Metadata(1, 1, 1) });
            await WriteAsync(store, model, new() { Replica = Replica, Records = TestLog.Records(6, 10, 1), Snapshot = TestLog.Snapshot(3, 1) });

            // Every bad batch also carries valid parts, so "nothing written" means something.
            LogRecord next = TestLog.Record(11, 2);
            byte[] metadata = TestLog.Metadata(2, 2, 2);
            (StorageRejection Reason, ReplicaWriteBatch Batch)[] bad =
            [
                (StorageRejection.Oversized, new() { Replica = Replica, Records = [next, new LogRecord(12, 2, 0, new byte[65])], Metadata = metadata }),
                (StorageRejection.Oversized, new() { Replica = Replica, Records = [next], Metadata = new byte[33] }),
                (StorageRejection.Oversized, new() { Replica = Replica, Records = [next], Snapshot = new ReplicaSnapshot(10, 1, new byte[129]) }),
                (StorageRejection.Oversized, new() { Replica = Replica, Records = TestLog.Records(11, 19, 2) }),
                (StorageRejection.OutOfOrder, new() { Replica = Replica, Records = [next, TestLog.Record(13, 2)], Metadata = metadata }),
                (StorageRejection.OutOfOrder, new() { Replica = Replica, Records = TestLog.Records(12, 13, 2), Metadata = metadata }),
                (StorageRejection.OutOfOrder, new() { Replica = Replica, Records = TestLog.Records(10, 11, 2), Metadata = metadata }),
                (StorageRejection.OutOfOrder, new() { Replica = Replica, Records = [TestLog.Record(0, 2)], Metadata = metadata }),
                (StorageRejection.OutOfOrder, new() { Replica = Replica, Snapshot = TestLog.Snapshot(0, 1), Metadata = metadata }),
                (StorageRejection.InvalidTruncation, new() { Replica = Replica, TruncateFrom = 3, Records = TestLog.Records(3, 4, 2), Metadata = metadata }),
                (StorageRejection.InvalidTruncation, new() { Replica = Replica, TruncateFrom = 0, Metadata = metadata }),
                (StorageRejection.InvalidTruncation, new() { Replica = Replica, TruncateFrom = 12, Records = [next], Metadata = metadata }),
                (StorageRejection.StaleSnapshot, new() { Replica = Replica, Snapshot = TestLog.Snapshot(2, 1), Records = [next], Metadata = metadata }),
                (StorageRejection.UnknownReplica, new() { Replica = stranger, Records = TestLog.Records(1, 2, 1), Metadata = metadata }),
            ];
            // Each refusal fences the replica: the valid batch after it fails with Fenced (also
            // counted), and reopening lifts the fence so the next bad batch gets its own reason.
            ReplicaWriteBatch valid = new() { Replica = Replica, Records = [next], Metadata = metadata };
            long rejections = 0;
            foreach ((StorageRejection reason, ReplicaWriteBatch batch) in bad)
            {
                await AssertRejectedAsync(store, batch, reason);
                Assert.Equal(++rejections, store.Statistics.Rejected);
                if (batch.Replica == Replica)
                {
                    await AssertRejectedAsync(store, valid, StorageRejection.Fenced);
                    Assert.Equal(++rejections, store.Statistics.Rejected);
                    model.AssertLoaded(await store.OpenReplicaAsync(Replica));
                }
            }

            Assert.Equal((2 * bad.Length) - 1, store.Statistics.Rejected);
            Assert.Equal(2, store.Statistics.Batches);
            model.AssertLoaded(await store.OpenReplicaAsync(Replica));

            // The boundaries just inside the rules are accepted: truncating right after the snapshot, a record of exactly the limit.
            await WriteAsync(store, model, new() { Replica = Replica, TruncateFrom = 4, Records = [TestLog.Record(4, 2), new LogRecord(5, 2, 7, new byte[64])], Metadata = new byte[32] });
        }

        await using AdoNetReplicaStore reopened = await Provider.OpenAsync(location);
        model.AssertLoaded(await reopened.OpenReplicaAsync(Replica));
        Assert.Equal([Replica], await reopened.ListReplicasAsync());
    }

    [Fact]
    public async Task A_deleted_replica_is_gone_and_refuses_writes_until_it_is_opened_again()
    {
        // Proves that DeleteReplicaAsync removes a replica's records, metadata and snapshot durably, leaves its neighbours alone, and that a write for it is UnknownReplica until it opens again, empty.
        string location = Provider.NewLocation();
        DurableReplicaId neighbour = TestLog.Id("kv-1/2");
        var deleted = new ReplicaModel(Replica);
        var kept = new ReplicaModel(neighbour);
        await using (AdoNetReplicaStore store = await Provider.OpenAsync(location))
        {
            await store.OpenReplicaAsync(Replica);
            await store.OpenReplicaAsync(neighbour);
            await WriteAsync(store, deleted, new() { Replica = Replica, Records = TestLog.Records(1, 6, 1), Metadata = TestLog.Metadata(1, 1, 1) });
            await WriteAsync(store, deleted, new() { Replica = Replica, Snapshot = TestLog.Snapshot(2, 1) });
            await WriteAsync(store, kept, new() { Replica = neighbour, Records = TestLog.Records(1, 4, 1), Metadata = TestLog.Metadata(1, 1, 1) });

            await store.DeleteReplicaAsync(Replica);
            Assert.Equal([neighbour], await store.ListReplicasAsync());
            await AssertRejectedAsync(store, new() { Replica = Replica, Records = TestLog.Records(7, 7, 1) }, StorageRejection.UnknownReplica);
            Assert.Equal(1, store.Statistics.Rejected);

            ReplicaDurableState reborn = await store.OpenReplicaAsync(Replica);
            Assert.True(reborn.IsEmpty);
            deleted = new ReplicaModel(Replica);
            await WriteAsync(store, deleted, new() { Replica = Replica, Records = TestLog.Records(1, 2, 5, salt: 1) });
        }

        await using (AdoNetReplicaStore store = await Provider.OpenAsync(location))
        {
            deleted.AssertLoaded(await store.OpenReplicaAsync(Replica));
            kept.AssertLoaded(await store.OpenReplicaAsync(neighbour));

            // A replica need not be open in this session to be deleted; an unknown one deletes quietly.
            await store.DeleteReplicaAsync(neighbour);
            await store.DeleteReplicaAsync(TestLog.Id("never/seen"));
            Assert.Equal([Replica], await store.ListReplicasAsync());
        }

        await using AdoNetReplicaStore last = await Provider.OpenAsync(location);
        Assert.Equal([Replica], await last.ListReplicasAsync());
        Assert.True((await last.OpenReplicaAsync(neighbour)).IsEmpty);
        deleted.AssertLoaded(await last.OpenReplicaAsync(Replica));
    }

    [Fact]
    public async Task DisposeAsync_writes_what_is_queued_and_then_refuses_more()
    {
        // Proves that batches submitted before DisposeAsync are made durable and complete, and that a closed store refuses further requests with ObjectDisposedException.
        string location = Provider.NewLocation();
        var model = new ReplicaModel(Replica);
        AdoNetReplicaStore store = await Provider.OpenAsync(location);
        await store.OpenReplicaAsync(Replica);
        ReplicaWriteBatch[] batches = [.. Enumerable.Range(0, 20).Select(i => new ReplicaWriteBatch { Replica = Replica, Records = TestLog.Records((ulong)(3 * i) + 1, (ulong)(3 * i) + 3, 1) })];
        Task[] writes = [.. batches.Select(b => store.WriteAsync(b).AsTask())];
        await store.DisposeAsync();
        await Task.WhenAll(writes);
        foreach (ReplicaWriteBatch batch in batches)
        {
            model.Apply(batch);
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.WriteAsync(new() { Replica = Replica, Records = TestLog.Records(61, 61, 1) }).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.OpenReplicaAsync(Replica).AsTask());
        await store.DisposeAsync();

        await using AdoNetReplicaStore reopened = await Provider.OpenAsync(location);
        model.AssertLoaded(await reopened.OpenReplicaAsync(Replica));
    }

    [Fact]
    public async Task A_second_store_on_the_same_location_is_refused_while_the_first_is_open()
    {
        // Proves single ownership: a second store opened where another is running fails at Started with a fault that says the store is in use, and the first keeps serving undisturbed.
        string location = Provider.NewLocation();
        var model = new ReplicaModel(Replica);
        await using (AdoNetReplicaStore first = await Provider.OpenAsync(location))
        {
            await first.OpenReplicaAsync(Replica);
            await WriteAsync(first, model, new() { Replica = Replica, Records = TestLog.Records(1, 3, 1) });

            // A short lock wait: the first store holds on, so waiting longer would change nothing.
            AdoNetReplicaStore second = Provider.Create(location, o => o.LockWaitTimeout = TimeSpan.FromSeconds(1));
            try
            {
                StorageFaultedException fault = await Assert.ThrowsAsync<StorageFaultedException>(() => second.Started);
                Assert.Contains("in use", fault.Message, StringComparison.Ordinal);
                Assert.IsType<StorageException>(fault.InnerException);
                await Assert.ThrowsAsync<StorageFaultedException>(() => second.OpenReplicaAsync(Replica).AsTask());
                await Assert.ThrowsAsync<StorageFaultedException>(() => second.WriteAsync(new() { Replica = Replica, Records = TestLog.Records(4, 4, 1) }).AsTask());
            }
            finally
            {
                await second.DisposeAsync();
            }

            await WriteAsync(first, model, new() { Replica = Replica, Records = TestLog.Records(4, 5, 1) });
        }

        // Once the owner closes, the location opens again.
        await using AdoNetReplicaStore third = await Provider.OpenAsync(location);
        model.AssertLoaded(await third.OpenReplicaAsync(Replica));
    }

    [Fact]
    public async Task A_closed_store_can_be_reopened_at_once_again_and_again()
    {
        // Proves that DisposeAsync gives up ownership before it returns, so a restart that reopens the location right away is never refused as "in use".
        string location = Provider.NewLocation();
        var model = new ReplicaModel(Replica);
        for (ulong round = 1; round <= 30; round++)
        {
            await using AdoNetReplicaStore store = await Provider.OpenAsync(location);
            model.AssertLoaded(await store.OpenReplicaAsync(Replica));
            await WriteAsync(store, model, new() { Replica = Replica, Records = TestLog.Records(round, round, round), Metadata = TestLog.Metadata(round, 1, round) });
        }

        await using AdoNetReplicaStore last = await Provider.OpenAsync(location);
        model.AssertLoaded(await last.OpenReplicaAsync(Replica));
    }

    private async Task AssertPipelinedAsync(PipelineScenario scenario, bool oneTransaction)
    {
        try
        {
            await RunPipelinedAsync(scenario, oneTransaction);
        }
        catch (Xunit.Sdk.XunitException failed)
        {
            // Only assertion failures are expected here; they get the scenario's name added.
            throw new Xunit.Sdk.XunitException($"Scenario '{scenario}' (one transaction: {oneTransaction}): {failed.Message}", failed);
        }
    }

    private async Task RunPipelinedAsync(PipelineScenario scenario, bool oneTransaction)
    {
        string location = Provider.NewLocation();
        var model = new ReplicaModel(Replica);
        await using (AdoNetReplicaStore store = await Provider.OpenAsync(location))
        {
            await store.OpenReplicaAsync(Replica);
            foreach (ReplicaWriteBatch batch in scenario.Committed)
            {
                await WriteAsync(store, model, batch);
            }
        }

        // The delay holds the writer after the first batch arrives, so every pipelined batch joins its transaction.
        Action<ReplicaStoreOptions>? configure = oneTransaction
            ? o => o.MaxGroupCommitDelay = TimeSpan.FromMilliseconds(100)
            : null;
        await using (AdoNetReplicaStore store = await Provider.OpenAsync(location, configure))
        {
            model.AssertLoaded(await store.OpenReplicaAsync(Replica));

            // No await between submissions: the store alone keeps them in order.
            Task[] writes = [.. scenario.Pipelined.Select(b => store.WriteAsync(b).AsTask())];
            await Task.WhenAll(writes);
            foreach (ReplicaWriteBatch batch in scenario.Pipelined)
            {
                model.Apply(batch);
            }

            ReplicaStoreStatistics statistics = store.Statistics;
            Assert.Equal(scenario.Pipelined.Count, statistics.Batches);
            if (oneTransaction)
            {
                Assert.Equal(1, statistics.Commits);
            }

            model.AssertLoaded(await store.OpenReplicaAsync(Replica));
        }

        await using AdoNetReplicaStore reopened = await Provider.OpenAsync(location);
        ReplicaDurableState state = await reopened.OpenReplicaAsync(Replica);
        model.AssertLoaded(state);
        Assert.Equal(scenario.Expected, state.Records.Select(r => (r.Index, r.Term)));
    }

    private static async Task WriteAsync(AdoNetReplicaStore store, ReplicaModel model, ReplicaWriteBatch batch)
    {
        await store.WriteAsync(batch);
        model.Apply(batch);
    }

    private static async Task AssertRejectedAsync(AdoNetReplicaStore store, ReplicaWriteBatch batch, StorageRejection reason)
    {
        StorageRejectedException rejected = await Assert.ThrowsAsync<StorageRejectedException>(() => store.WriteAsync(batch).AsTask());
        Assert.Equal(reason, rejected.Reason);
        Assert.Equal(batch.Replica, rejected.Replica);
        Assert.Contains($"'{batch.Replica}'", rejected.Message, StringComparison.Ordinal);
        Assert.Contains(reason.ToString(), rejected.Message, StringComparison.Ordinal);
    }

    /// <summary>Names that sort differently by ordinal and by most cultures (case, '-', '_', digits).</summary>
    private static string ManyName(int i) => (i % 4) switch
    {
        0 => $"Group-{i}/1",
        1 => $"group-{i}/2",
        2 => $"group_{i}/3",
        _ => $"g{i}.Z/{i % 7}",
    };

    /// <summary>Two batches for replica number <paramref name="i"/>; every tenth also snapshots.</summary>
    private static async Task WriteFewAsync(AdoNetReplicaStore store, ReplicaModel model, int i)
    {
        DurableReplicaId replica = model.Replica;
        await WriteAsync(store, model, new() { Replica = replica, Records = TestLog.Records(1, 3, 1, salt: i), Metadata = TestLog.Metadata(1, (ulong)i, 0) });
        await WriteAsync(store, model, new()
        {
            Replica = replica,
            Snapshot = i % 10 == 0 ? TestLog.Snapshot(2, 1) : null,
            Records = TestLog.Records(4, 5, 2, salt: i),
            Metadata = TestLog.Metadata(2, (ulong)i, 3),
        });
    }

    /// <summary>A replica's run of batches: mostly appends, some rewriting the last record in a new term, some snapshots.</summary>
    private static async Task WriteManyAsync(AdoNetReplicaStore store, ReplicaModel model, int writer, int batches)
    {
        DurableReplicaId replica = model.Replica;
        ulong term = 1;
        for (int b = 0; b < batches; b++)
        {
            ulong last = model.LastIndex;
            ReplicaWriteBatch batch;
            if (b % 7 == 6 && model.Records.Count > 0)
            {
                term++;
                batch = new() { Replica = replica, TruncateFrom = last, Records = TestLog.Records(last, last + 1, term, salt: writer), Metadata = TestLog.Metadata(term, 1, last - 1) };
            }
            else if (b % 11 == 10)
            {
                batch = new() { Replica = replica, Snapshot = TestLog.Snapshot(last - 2, term), Records = TestLog.Records(last + 1, last + 1, term, salt: writer) };
            }
            else
            {
                ulong count = (ulong)(1 + ((writer + b) % 3));
                batch = new() { Replica = replica, Records = TestLog.Records(last + 1, last + count, term, salt: writer) };
            }

            await WriteAsync(store, model, batch);
        }
    }
}
