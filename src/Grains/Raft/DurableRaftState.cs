using System.Buffers.Binary;
using Synod.Consensus.Raft;
using Synod.Runtime.Storage;

namespace Synod.Grains.Raft;

/// <summary>
/// How a Raft replica's state maps onto the storage contract: hard state as the metadata record,
/// entries as log records (term, kind, data), and a snapshot's membership ahead of the state
/// machine's bytes.
/// </summary>
internal static class DurableRaftState
{
    private const byte FormatVersion = 1;

    public static byte[] EncodeHardState(HardState hard)
    {
        byte[] bytes = new byte[25];
        bytes[0] = FormatVersion;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(1), hard.Term.Value);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(9), hard.Vote.Value);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(17), hard.Commit.Value);
        return bytes;
    }

    /// <summary>
    /// The metadata record of a write: the encoded hard state, or null — "unchanged" — when the
    /// Ready carries none. Typed on purpose: <c>cond ? byte[] : null</c> has type byte[], and a
    /// null byte[] converts to an EMPTY (not null) ReadOnlyMemory, which would overwrite the hard
    /// state with zero bytes on every Ready without a hard-state change.
    /// </summary>
    public static ReadOnlyMemory<byte>? MetadataOf(HardState? hard) => hard is { } state ? EncodeHardState(state) : (ReadOnlyMemory<byte>?)null;

    public static HardState DecodeHardState(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 25 || bytes[0] != FormatVersion)
        {
            throw new InvalidDataException($"A Raft hard state is 25 bytes of format {FormatVersion}; found {bytes.Length} bytes.");
        }

        return new HardState(
            new Term(BinaryPrimitives.ReadUInt64LittleEndian(bytes[1..])),
            new ReplicaId(BinaryPrimitives.ReadUInt64LittleEndian(bytes[9..])),
            new LogIndex(BinaryPrimitives.ReadUInt64LittleEndian(bytes[17..])));
    }

    public static LogRecord ToRecord(Entry entry) => new(entry.Index.Value, entry.Term.Value, (byte)entry.Kind, entry.Data);

    public static Entry ToEntry(LogRecord record) => new(new LogIndex(record.Index), new Term(record.Term), (EntryKind)record.Kind, record.Payload);

    public static byte[] EncodeSnapshot(Snapshot snapshot)
    {
        Membership membership = snapshot.Metadata.Membership;
        int size = 1 + 4 + (8 * membership.Voters.Length) + 4 + (8 * membership.Learners.Length) + snapshot.Data.Length;
        byte[] bytes = new byte[size];
        bytes[0] = FormatVersion;
        int at = 1;
        at = WriteIds(bytes, at, membership.Voters);
        at = WriteIds(bytes, at, membership.Learners);
        snapshot.Data.Span.CopyTo(bytes.AsSpan(at));
        return bytes;
    }

    public static Snapshot DecodeSnapshot(ReplicaSnapshot stored)
    {
        ReadOnlySpan<byte> bytes = stored.Data.Span;
        if (bytes.Length < 9 || bytes[0] != FormatVersion)
        {
            throw new InvalidDataException("The stored Raft snapshot has an unknown format.");
        }

        int at = 1;
        List<ReplicaId> voters = ReadIds(bytes, ref at);
        List<ReplicaId> learners = ReadIds(bytes, ref at);
        ReadOnlyMemory<byte> data = stored.Data[at..];
        var metadata = new SnapshotMetadata(new LogPosition(new LogIndex(stored.Index), new Term(stored.Term)), Membership.Create(voters, learners), data.Length);
        return new Snapshot(metadata, data);
    }

    private static int WriteIds(byte[] bytes, int at, IReadOnlyList<ReplicaId> ids)
    {
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), ids.Count);
        at += 4;
        foreach (ReplicaId id in ids)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), id.Value);
            at += 8;
        }

        return at;
    }

    private static List<ReplicaId> ReadIds(ReadOnlySpan<byte> bytes, ref int at)
    {
        int count = BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]);
        at += 4;
        if (count < 0 || count > (bytes.Length - at) / 8)
        {
            throw new InvalidDataException("The stored Raft snapshot's membership is malformed.");
        }

        var ids = new List<ReplicaId>(count);
        for (int i = 0; i < count; i++)
        {
            ids.Add(new ReplicaId(BinaryPrimitives.ReadUInt64LittleEndian(bytes[at..])));
            at += 8;
        }

        return ids;
    }
}
