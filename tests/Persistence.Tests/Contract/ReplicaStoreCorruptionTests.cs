using Synod.Persistence.AdoNet;
using Synod.Runtime.Storage;

namespace Synod.Persistence.Tests.Contract;

/// <summary>
/// Stored rows damaged behind a closed store's back, by the same code for every provider: each
/// kind of damage must stop the replica at open with a <see cref="StorageCorruptionException"/>
/// naming it and the bad index, while the other replicas of the store open and write as before.
/// </summary>
public abstract class ReplicaStoreCorruptionTests<TProvider>
    where TProvider : StoreProvider, new()
{
    private static readonly DurableReplicaId Victim = TestLog.Id("victim/1");
    private static readonly DurableReplicaId Bystander = TestLog.Id("bystander/1");

    // Both replicas hold the same batches: snapshot at 3, records 4..6 of term 1 and 7..12 of term 2.
    private const ulong SnapshotIndex = 3;

    protected TProvider Provider { get; } = new();

    [Fact]
    public async Task A_flipped_payload_byte_is_caught_at_its_index()
    {
        // Proves the payload is covered by the checksum: one changed bit in record 8's bytes refuses the replica at index 8.
        await AssertRefusedAsync(8, (location, victim) =>
        {
            byte[] payload = victim.Records.Single(r => r.Index == 8).Payload.ToArray();
            payload[payload.Length / 2] ^= 0x10;
            return Provider.ExecuteAsync(location, $"UPDATE {Log(location)} SET payload = {Provider.BlobLiteral(payload)} WHERE {Row(location, 8)}");
        });
    }

    [Fact]
    public async Task A_payload_cut_short_is_caught_at_its_index()
    {
        // Proves the payload's length is covered: record 11 missing its last byte is refused at index 11.
        await AssertRefusedAsync(11, (location, victim) =>
        {
            byte[] payload = victim.Records.Single(r => r.Index == 11).Payload.ToArray();
            return Provider.ExecuteAsync(location, $"UPDATE {Log(location)} SET payload = {Provider.BlobLiteral(payload.AsSpan(0, payload.Length - 1))} WHERE {Row(location, 11)}");
        });
    }

    [Fact]
    public async Task A_changed_term_is_caught_at_its_index()
    {
        // Proves the term is covered by the checksum, so a record cannot silently move to another term (which Raft's log matching relies on).
        await AssertRefusedAsync(9, (location, _) =>
            Provider.ExecuteAsync(location, $"UPDATE {Log(location)} SET term = term + 1 WHERE {Row(location, 9)}"));
    }

    [Fact]
    public async Task A_changed_kind_is_caught_at_its_index()
    {
        // Proves the kind is covered by the checksum.
        await AssertRefusedAsync(10, (location, _) =>
            Provider.ExecuteAsync(location, $"UPDATE {Log(location)} SET kind = (kind + 1) % 256 WHERE {Row(location, 10)}"));
    }

    [Fact]
    public async Task A_kind_outside_a_byte_is_caught_at_its_index()
    {
        // Proves that a stored value no record could have (kind 300 where kinds are bytes) is reported as that replica's corruption, not as a failure of the whole store.
        await AssertRefusedAsync(10, (location, _) =>
            Provider.ExecuteAsync(location, $"UPDATE {Log(location)} SET kind = 300 WHERE {Row(location, 10)}"));
    }

    [Fact]
    public async Task A_missing_middle_record_is_reported_as_a_gap_at_the_missing_index()
    {
        // Proves contiguity is checked on load: deleting record 6 refuses the replica at index 6, the first index that is missing.
        await AssertRefusedAsync(6, (location, _) =>
            Provider.ExecuteAsync(location, $"DELETE FROM {Log(location)} WHERE {Row(location, 6)}"));
    }

    [Fact]
    public async Task A_missing_record_right_after_the_snapshot_is_a_gap()
    {
        // Proves the log must resume right after the snapshot: deleting record 4 refuses the replica at index 4.
        await AssertRefusedAsync(SnapshotIndex + 1, (location, _) =>
            Provider.ExecuteAsync(location, $"DELETE FROM {Log(location)} WHERE {Row(location, SnapshotIndex + 1)}"));
    }

    [Fact]
    public async Task A_lost_snapshot_row_is_caught_as_missing_records_from_index_one()
    {
        // Proves that a log without a snapshot must start at index 1, as every write path makes it: losing the snapshot row leaves records 4..12 that cover nothing before them, and the replica is refused at index 1 instead of starting with its prefix silently gone.
        await AssertRefusedAsync(1, (location, _) =>
            Provider.ExecuteAsync(location, $"DELETE FROM {Provider.Table(location, "snapshot")} WHERE replica = {Id(location, Victim)}"));
    }

    [Fact]
    public async Task A_lost_snapshot_row_with_an_empty_log_is_caught_at_the_snapshot_index_the_state_names()
    {
        // Proves that losing the snapshot row is caught even when no record is left to show a gap: after a snapshot at 15 past the log's end, the state row still names 15, and the replica is refused there instead of starting empty.
        ReplicaWriteBatch beyond = new() { Replica = Victim, Snapshot = TestLog.Snapshot(15, 2), Metadata = TestLog.Metadata(2, 1, 15) };
        await AssertRefusedAsync(
            15,
            (location, _) => Provider.ExecuteAsync(location, $"DELETE FROM {Provider.Table(location, "snapshot")} WHERE replica = {Id(location, Victim)}"),
            beyond);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(10)]
    [InlineData(SnapshotIndex + 1)]
    public async Task A_lost_tail_of_the_log_is_caught_at_the_first_missing_index(ulong from)
    {
        // Proves that records vanishing from the end of the log (the last one, several, or all after the snapshot), which leave a contiguous log behind, are caught against the state row at the first missing index.
        await AssertRefusedAsync(from, (location, _) =>
            Provider.ExecuteAsync(location, $"DELETE FROM {Log(location)} WHERE replica = {Id(location, Victim)} AND idx >= {from}"));
    }

    [Fact]
    public async Task A_lost_state_row_is_caught_without_an_index()
    {
        // Proves that a replica whose state row (metadata and summary) is gone while its snapshot and records remain is refused with Index null, not started with its vote and term forgotten.
        await AssertRefusedAsync(null, (location, _) =>
            Provider.ExecuteAsync(location, $"DELETE FROM {State(location)} WHERE replica = {Id(location, Victim)}"));
    }

    [Fact]
    public async Task Metadata_erased_from_the_state_row_is_caught_without_an_index()
    {
        // Proves that the state row's checksum covers whether metadata exists: clearing both the metadata and its checksum refuses the replica with Index null instead of loading it with no metadata.
        await AssertRefusedAsync(null, (location, _) =>
            Provider.ExecuteAsync(location, $"UPDATE {State(location)} SET data = NULL, data_crc = NULL WHERE replica = {Id(location, Victim)}"));
    }

    [Theory]
    [InlineData("last_idx = last_idx - 1")]
    [InlineData("last_idx = last_idx + 1")]
    [InlineData("snapshot_idx = snapshot_idx + 1")]
    public async Task A_changed_state_row_is_caught_by_its_checksum(string change)
    {
        // Proves the state row's own checksum covers where the log ends and where the snapshot is: changing either refuses the replica with Index null.
        await AssertRefusedAsync(null, (location, _) =>
            Provider.ExecuteAsync(location, $"UPDATE {State(location)} SET {change} WHERE replica = {Id(location, Victim)}"));
    }

    [Fact]
    public async Task A_log_longer_than_a_state_row_with_a_valid_checksum_is_caught_past_the_recorded_end()
    {
        // Proves the comparison with the log also runs the other way: a state row rewritten with a correct checksum to end the log at 11 refuses the replica at 12, the first record it does not account for.
        await AssertRefusedAsync(12, (location, victim) =>
        {
            uint seed = RecordChecksum.Seed(Victim);
            uint crc = RecordChecksum.OfState(seed, 11, SnapshotIndex, RecordChecksum.OfMetadata(seed, victim.Metadata!));
            return Provider.ExecuteAsync(location, $"UPDATE {State(location)} SET last_idx = 11, crc = {crc} WHERE replica = {Id(location, Victim)}");
        });
    }

    [Fact]
    public async Task Two_swapped_records_are_caught_by_the_index_in_their_checksum()
    {
        // Proves the index is covered by the checksum where contiguity cannot help: records 11 and 12 trade places, the log stays contiguous, and the replica is refused at 11.
        await AssertRefusedAsync(11, async (location, _) =>
        {
            await Provider.ExecuteAsync(location, $"UPDATE {Log(location)} SET idx = 1000 WHERE {Row(location, 11)}");
            await Provider.ExecuteAsync(location, $"UPDATE {Log(location)} SET idx = 11 WHERE {Row(location, 12)}");
            await Provider.ExecuteAsync(location, $"UPDATE {Log(location)} SET idx = 12 WHERE {Row(location, 1000)}");
        });
    }

    [Fact]
    public async Task A_record_copied_from_another_replica_is_caught()
    {
        // Proves the checksum is bound to the replica's name: the bystander's checksum for an identical record 5 does not pass as the victim's.
        await AssertRefusedAsync(5, (location, _) =>
            Provider.ExecuteAsync(
                location,
                $"UPDATE {Log(location)} SET crc = (SELECT crc FROM {Log(location)} WHERE replica = {Id(location, Bystander)} AND idx = 5) WHERE {Row(location, 5)}"));
    }

    [Fact]
    public async Task A_record_inside_the_snapshot_is_caught_even_with_a_valid_checksum()
    {
        // Proves that a record the snapshot should have removed (here re-inserted with a correct checksum) refuses the replica at that index.
        await AssertRefusedAsync(2, (location, _) =>
        {
            LogRecord record = TestLog.Record(2, 1);
            uint crc = RecordChecksum.OfRecord(RecordChecksum.Seed(Victim), record.Index, record.Term, record.Kind, record.Payload.Span);
            return Provider.ExecuteAsync(
                location,
                $"INSERT INTO {Log(location)}(replica, idx, term, kind, payload, crc) VALUES ({Id(location, Victim)}, 2, 1, {record.Kind}, {Provider.BlobLiteral(record.Payload.Span)}, {crc})");
        });
    }

    [Fact]
    public async Task Damaged_metadata_is_caught_without_an_index()
    {
        // Proves the metadata record is checked by its own checksum (data_crc): a flipped byte refuses the replica with Index null.
        await AssertRefusedAsync(null, (location, victim) =>
        {
            byte[] metadata = victim.Metadata!.ToArray();
            metadata[0] ^= 0x01;
            return Provider.ExecuteAsync(location, $"UPDATE {State(location)} SET data = {Provider.BlobLiteral(metadata)} WHERE replica = {Id(location, Victim)}");
        });
    }

    [Fact]
    public async Task Damaged_snapshot_data_is_caught_at_the_snapshot_index()
    {
        // Proves the snapshot's bytes are checked: a flipped byte refuses the replica at the snapshot's index.
        await AssertRefusedAsync(SnapshotIndex, (location, victim) =>
        {
            byte[] data = victim.Snapshot!.Data.ToArray();
            data[^1] ^= 0x80;
            return Provider.ExecuteAsync(location, $"UPDATE {Provider.Table(location, "snapshot")} SET data = {Provider.BlobLiteral(data)} WHERE replica = {Id(location, Victim)}");
        });
    }

    [Fact]
    public async Task A_changed_snapshot_term_is_caught_at_the_snapshot_index()
    {
        // Proves the snapshot's term is covered by its checksum.
        await AssertRefusedAsync(SnapshotIndex, (location, _) =>
            Provider.ExecuteAsync(location, $"UPDATE {Provider.Table(location, "snapshot")} SET term = term + 1 WHERE replica = {Id(location, Victim)}"));
    }

    /// <summary>
    /// Writes both replicas (and <paramref name="victimExtra"/> for the victim alone), closes the
    /// store, applies <paramref name="damage"/> to the victim's rows, reopens, and checks that only
    /// the victim is refused, at <paramref name="index"/>.
    /// </summary>
    private async Task AssertRefusedAsync(ulong? index, Func<string, ReplicaModel, Task> damage, ReplicaWriteBatch? victimExtra = null)
    {
        string location = Provider.NewLocation();
        var victim = new ReplicaModel(Victim);
        var bystander = new ReplicaModel(Bystander);
        await using (AdoNetReplicaStore store = await Provider.OpenAsync(location))
        {
            foreach (ReplicaModel model in new[] { victim, bystander })
            {
                await store.OpenReplicaAsync(model.Replica);
                await WriteAsync(store, model, new() { Replica = model.Replica, Records = TestLog.Records(1, 6, 1), Metadata = TestLog.Metadata(1, 1, 0) });
                await WriteAsync(store, model, new() { Replica = model.Replica, Records = TestLog.Records(7, 12, 2), Snapshot = TestLog.Snapshot(SnapshotIndex, 1), Metadata = TestLog.Metadata(2, 1, 6) });
            }

            if (victimExtra is not null)
            {
                await WriteAsync(store, victim, victimExtra);
            }
        }

        await damage(location, victim);

        await using AdoNetReplicaStore reopened = await Provider.OpenAsync(location);
        bystander.AssertLoaded(await reopened.OpenReplicaAsync(Bystander));
        StorageCorruptionException corrupt = await Assert.ThrowsAsync<StorageCorruptionException>(() => reopened.OpenReplicaAsync(Victim).AsTask());
        Assert.Equal(Victim, corrupt.Replica);
        Assert.Equal(index, corrupt.Index);
        Assert.Contains($"'{Victim}'", corrupt.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(corrupt.Problem));
        Assert.Equal(1, reopened.Statistics.Corruptions);

        // The refused replica stays closed to writes; the rest of the store serves on.
        StorageRejectedException refused = await Assert.ThrowsAsync<StorageRejectedException>(
            () => reopened.WriteAsync(new() { Replica = Victim, Records = TestLog.Records(13, 13, 3) }).AsTask());
        Assert.Equal(StorageRejection.UnknownReplica, refused.Reason);
        await WriteAsync(reopened, bystander, new() { Replica = Bystander, Records = TestLog.Records(13, 14, 3), Metadata = TestLog.Metadata(3, 2, 12) });
        bystander.AssertLoaded(await reopened.OpenReplicaAsync(Bystander));

        // The check runs at every open, not once.
        await Assert.ThrowsAsync<StorageCorruptionException>(() => reopened.OpenReplicaAsync(Victim).AsTask());
        Assert.Equal(2, reopened.Statistics.Corruptions);
    }

    private static async Task WriteAsync(AdoNetReplicaStore store, ReplicaModel model, ReplicaWriteBatch batch)
    {
        await store.WriteAsync(batch);
        model.Apply(batch);
    }

    private string Log(string location) => Provider.Table(location, "log");

    /// <summary>The table of state rows: metadata record, last index, snapshot index and their checksum.</summary>
    private string State(string location) => Provider.Table(location, "metadata");

    private string Id(string location, DurableReplicaId replica) =>
        $"(SELECT id FROM {Provider.Table(location, "replica")} WHERE name = '{replica}')";

    /// <summary>The condition selecting the victim's record at <paramref name="index"/>.</summary>
    private string Row(string location, ulong index) => $"replica = {Id(location, Victim)} AND idx = {index}";
}
