using Synod.Runtime.Storage;

namespace Synod.Persistence.AdoNet;

/// <summary>
/// A replica's state row as loaded: its metadata record and the summary written with every change
/// (last index, snapshot index, checksum). Per-row checksums catch damaged rows; the summary
/// catches rows that vanished — a lost tail of the log, a lost snapshot or metadata record.
/// </summary>
internal sealed record StoredState(byte[]? Metadata, uint? MetadataChecksum, ulong LastIndex, ulong SnapshotIndex, long Checksum)
{
    /// <summary>Checks the row's own checksums.</summary>
    public void Verify(ReplicaEntry replica)
    {
        if ((Metadata is null) != (MetadataChecksum is null))
        {
            throw new StorageCorruptionException(replica.Replica, null, "the metadata record and its checksum disagree on whether there is one");
        }

        long summary = RecordChecksum.OfState(replica.Seed, LastIndex, SnapshotIndex, MetadataChecksum);
        if (summary != Checksum)
        {
            throw new StorageCorruptionException(replica.Replica, null, $"the state record fails its checksum (stored {Checksum:x8}, computed {summary:x8})");
        }

        if (Metadata is not null && RecordChecksum.OfMetadata(replica.Seed, Metadata) != MetadataChecksum)
        {
            throw new StorageCorruptionException(
                replica.Replica, null, $"the metadata record fails its checksum (stored {MetadataChecksum:x8}, computed {RecordChecksum.OfMetadata(replica.Seed, Metadata):x8})");
        }
    }

    /// <summary>Checks that the snapshot and log found are the ones the state row says were written.</summary>
    public static void CheckAgainst(StoredState? state, DurableReplicaId replica, ReplicaSnapshot? snapshot, IReadOnlyList<LogRecord> records)
    {
        ulong snapshotIndex = snapshot?.Index ?? 0;
        ulong lastIndex = records.Count > 0 ? records[^1].Index : snapshotIndex;
        if (state is null)
        {
            if (snapshot is not null || records.Count > 0)
            {
                throw new StorageCorruptionException(replica, null, $"the state record is missing although the log holds records up to {lastIndex}");
            }

            return;
        }

        if (snapshotIndex != state.SnapshotIndex)
        {
            throw new StorageCorruptionException(
                replica, state.SnapshotIndex, $"the stored snapshot covers up to {snapshotIndex}, but the replica's state says {state.SnapshotIndex}");
        }

        if (lastIndex < state.LastIndex)
        {
            throw new StorageCorruptionException(
                replica, lastIndex + 1, $"records {lastIndex + 1}..{state.LastIndex} are missing: the log ends at {lastIndex}, but the replica's state says {state.LastIndex}");
        }

        if (lastIndex > state.LastIndex)
        {
            throw new StorageCorruptionException(
                replica, state.LastIndex + 1, $"the log holds records up to {lastIndex}, past the end {state.LastIndex} the replica's state records");
        }
    }
}
