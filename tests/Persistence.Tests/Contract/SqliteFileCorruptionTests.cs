using System.Text;
using Microsoft.Data.Sqlite;
using Synod.Persistence.AdoNet;
using Synod.Runtime.Storage;

namespace Synod.Persistence.Tests.Contract;

/// <summary>Damage to the SQLite database file itself, below SQL: what a bad disk sector or a stray write does.</summary>
public sealed class SqliteFileCorruptionTests
{
    private readonly SqliteProvider _provider = new();

    [Fact]
    public async Task A_bit_flipped_on_disk_inside_a_payload_is_caught_at_that_record()
    {
        // Proves end-to-end checking: one bit flipped in the database file's bytes, inside record 5's payload, refuses the replica at index 5 while another replica in the file opens fine.
        DurableReplicaId victim = TestLog.Id("disk/1");
        DurableReplicaId bystander = TestLog.Id("disk/2");
        byte[] marker = Marker();
        string location = _provider.NewLocation();
        var other = new ReplicaModel(bystander);
        await using (AdoNetReplicaStore store = await _provider.OpenAsync(location))
        {
            await store.OpenReplicaAsync(victim);
            await store.OpenReplicaAsync(bystander);
            LogRecord[] records = [.. TestLog.Records(1, 4, 1), new LogRecord(5, 1, 3, marker), .. TestLog.Records(6, 8, 1)];
            await store.WriteAsync(new ReplicaWriteBatch { Replica = victim, Records = records, Metadata = TestLog.Metadata(1, 1, 8) });
            var batch = new ReplicaWriteBatch { Replica = bystander, Records = TestLog.Records(1, 8, 1), Metadata = TestLog.Metadata(1, 1, 8) };
            await store.WriteAsync(batch);
            other.Apply(batch);
        }

        await CheckpointAsync(location);
        byte[] file = await File.ReadAllBytesAsync(location);
        // The record was staged, then moved into the log when the store closed: its staging row's
        // freed page may still hold a stale copy of the bytes. Flip the bit in every copy, so the
        // live one is among them whichever it is (a stale copy is not read by anything).
        List<int> copies = Occurrences(file, marker);
        Assert.True(copies.Count > 0, "The marker payload is not in the database file; the WAL was not checkpointed into it.");
        Assert.InRange(copies.Count, 1, 2);
        foreach (int at in copies)
        {
            file[at + 40] ^= 0x04;
        }

        await File.WriteAllBytesAsync(location, file);

        await using AdoNetReplicaStore reopened = await _provider.OpenAsync(location);
        other.AssertLoaded(await reopened.OpenReplicaAsync(bystander));
        StorageCorruptionException corrupt = await Assert.ThrowsAsync<StorageCorruptionException>(() => reopened.OpenReplicaAsync(victim).AsTask());
        Assert.Equal(victim, corrupt.Replica);
        Assert.Equal(5UL, corrupt.Index);
        Assert.Contains("checksum", corrupt.Problem, StringComparison.Ordinal);
        Assert.Equal(1, reopened.Statistics.Corruptions);
    }

    private static List<int> Occurrences(byte[] file, byte[] marker)
    {
        var found = new List<int>();
        int from = 0;
        while (from < file.Length && file.AsSpan(from).IndexOf(marker) is var at and >= 0)
        {
            found.Add(from + at);
            from += at + marker.Length;
        }

        return found;
    }

    /// <summary>64 bytes that occur nowhere else in the file.</summary>
    private static byte[] Marker()
    {
        byte[] marker = new byte[64];
        int prefix = Encoding.ASCII.GetBytes("synod raw-file corruption marker:", marker);
        TestLog.Payload(5, 1, 0x5EED, marker.Length - prefix).CopyTo(marker, prefix);
        return marker;
    }

    /// <summary>
    /// SQLite checkpoints and removes the WAL when its last connection closes; should a WAL be left
    /// with frames in it, copy them into the database so the file holds every page.
    /// </summary>
    private static async Task CheckpointAsync(string location)
    {
        var wal = new FileInfo(location + "-wal");
        if (!wal.Exists || wal.Length == 0)
        {
            return;
        }

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = location, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        await command.ExecuteNonQueryAsync();
    }
}
