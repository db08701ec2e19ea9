using Google.Protobuf;
using Synod.Consensus;
using Synod.Consensus.Raft;
using Synod.Runtime.Storage;

namespace Synod.Grains.KeyValue;

/// <summary>
/// The snapshot bytes of a key-value state machine, version 2. Identical states give identical
/// bytes: entries are sorted by key, sessions by client id and fences by lock name (unsigned byte
/// order), and nothing else varies. All numbers are little-endian; "bytes" is a u32 length and
/// then the bytes.
/// <code>
/// "SKVS"  u32 version=2  u64 applied index
/// config: u32 MaxKeyBytes  u32 MaxValueBytes  u32 MaxClientIdBytes  u32 MaxSessions  u64 MaxDataBytes
///         u32 MaxLockNameBytes  u32 MaxFences                                  (version 2 only)
/// u32 entry count,   then per entry:   bytes key  bytes value
/// u32 session count, then per session: bytes client id  u64 last sequence  u64 last applied index
///                                      u8 status (0: none yet)  u8 reject reason  u8 has value  bytes value
/// u32 fence count,   then per fence:   bytes lock name  u64 highest token      (version 2 only)
/// u32 CRC-32C of everything before it
/// </code>
/// Version 1 (before fenced writes) is still read: it has no fences, and the fence limits take
/// their defaults.
/// </summary>
internal static class KvSnapshotFormat
{
    public const uint Version = 2;

    /// <summary>The version written before fenced writes; read, never written.</summary>
    public const uint VersionWithoutFences = 1;

    /// <summary>Bytes of a snapshot with no entries, sessions or fences.</summary>
    public const int FixedBytes = FixedBytesWithoutFences + 4 + 4 + 4;

    /// <summary>Bytes of an empty version 1 snapshot, the shortest a valid snapshot can be.</summary>
    private const int FixedBytesWithoutFences = 4 + 4 + 8 + (4 * 4) + 8 + 4 + 4 + 4;

    private static ReadOnlySpan<byte> Magic => "SKVS"u8;

    public static byte[] Write(LogIndex applied, KvStateMachineConfig config, KvStore store, KvSessionTable sessions, KvFenceTable fences)
    {
        var orderedSessions = sessions.OrderedByClientId().ToList();
        var orderedFences = fences.OrderedByLockName().ToList();
        var size = FixedBytes + store.DataBytes + orderedSessions.Sum(SessionBytes)
            + orderedFences.Sum(fence => (long)KvStateMachineConfig.FenceOverheadBytes + fence.Key.Length);
        Invariant.Holds(size <= config.MaxSnapshotBytes, "snapshot " + size + " bytes, max " + config.MaxSnapshotBytes);
        var buffer = new byte[size];
        var writer = new KvSnapshotWriter(buffer);
        writer.WriteRaw(Magic);
        writer.WriteUInt32(Version);
        writer.WriteUInt64(applied.Value);
        writer.WriteUInt32((uint)config.MaxKeyBytes);
        writer.WriteUInt32((uint)config.MaxValueBytes);
        writer.WriteUInt32((uint)config.MaxClientIdBytes);
        writer.WriteUInt32((uint)config.MaxSessions);
        writer.WriteUInt64((ulong)config.MaxDataBytes);
        writer.WriteUInt32((uint)config.MaxLockNameBytes);
        writer.WriteUInt32((uint)config.MaxFences);
        writer.WriteUInt32((uint)store.Count);
        foreach (var (key, value) in store.OrderedByKey())
        {
            writer.WriteBytes(key.Span);
            writer.WriteBytes(value.Span);
        }

        writer.WriteUInt32((uint)orderedSessions.Count);
        foreach (var session in orderedSessions)
        {
            WriteSession(ref writer, session);
        }

        writer.WriteUInt32((uint)orderedFences.Count);
        foreach (var (lockName, token) in orderedFences)
        {
            writer.WriteBytes(lockName.Span);
            writer.WriteUInt64(token);
        }

        writer.WriteChecksum();
        return buffer;
    }

    public static KvStateMachine Read(ReadOnlySpan<byte> snapshot)
    {
        CheckEnvelope(snapshot);
        var reader = new KvSnapshotReader(snapshot[..^sizeof(uint)]);
        reader.ReadUInt32("magic");
        var hasFences = reader.ReadUInt32("version") == Version;
        var applied = new LogIndex(reader.ReadUInt64("applied index"));
        var config = ReadConfig(ref reader, hasFences);
        var machine = new KvStateMachine(config, applied);
        ReadEntries(ref reader, config, machine.Store);
        ReadSessions(ref reader, config, applied, machine.Sessions);
        if (hasFences)
        {
            ReadFences(ref reader, config, machine.Fences);
        }

        if (reader.Remaining != 0)
        {
            throw new KvSnapshotCorruptException(reader.Remaining + " unexpected bytes at offset " + reader.Position);
        }

        return machine;
    }

    private static long SessionBytes(KvSession session) =>
        KvStateMachineConfig.SessionOverheadBytes + session.ClientId.Length + (session.LastResult?.Value?.Length ?? 0);

    private static void WriteSession(ref KvSnapshotWriter writer, KvSession session)
    {
        writer.WriteBytes(session.ClientId.Span);
        writer.WriteUInt64(session.LastSequence);
        writer.WriteUInt64(session.LastAppliedIndex.Value);
        var result = session.LastResult;
        writer.WriteByte(result is null ? (byte)0 : (byte)result.Status);
        writer.WriteByte((byte)(result?.RejectReason ?? KvRejectReason.None));
        writer.WriteByte(result?.Value is null ? (byte)0 : (byte)1);
        writer.WriteBytes(result?.Value is null ? [] : result.Value.Span);
    }

    /// <summary>Magic, version and checksum, checked before anything inside is trusted.</summary>
    private static void CheckEnvelope(ReadOnlySpan<byte> snapshot)
    {
        if (snapshot.Length < FixedBytesWithoutFences)
        {
            throw new KvSnapshotCorruptException("only " + snapshot.Length + " bytes, less than the " + FixedBytesWithoutFences + " of an empty snapshot");
        }

        if (!snapshot[..Magic.Length].SequenceEqual(Magic))
        {
            throw new KvSnapshotCorruptException("not a key-value snapshot (magic " + Convert.ToHexString(snapshot[..Magic.Length]) + ")");
        }

        var header = new KvSnapshotReader(snapshot[Magic.Length..]);
        var version = header.ReadUInt32("version");
        if (version is not (Version or VersionWithoutFences))
        {
            throw new KvSnapshotCorruptException("version " + version + " is not supported (this build reads " + VersionWithoutFences + " and " + Version + ")");
        }

        var trailer = new KvSnapshotReader(snapshot[^sizeof(uint)..]);
        var stored = trailer.ReadUInt32("checksum");
        var computed = RecordChecksum.Compute(snapshot[..^sizeof(uint)]);
        if (stored != computed)
        {
            throw new KvSnapshotCorruptException("checksum mismatch: stored " + stored.ToString("X8") + ", computed " + computed.ToString("X8") + " over " + (snapshot.Length - sizeof(uint)) + " bytes");
        }
    }

    private static KvStateMachineConfig ReadConfig(ref KvSnapshotReader reader, bool hasFences)
    {
        var config = new KvStateMachineConfig
        {
            MaxKeyBytes = reader.ReadInt32("MaxKeyBytes"),
            MaxValueBytes = reader.ReadInt32("MaxValueBytes"),
            MaxClientIdBytes = reader.ReadInt32("MaxClientIdBytes"),
            MaxSessions = reader.ReadInt32("MaxSessions"),
            MaxDataBytes = (long)Math.Min(reader.ReadUInt64("MaxDataBytes"), long.MaxValue),
        };
        if (hasFences)
        {
            config = config with { MaxLockNameBytes = reader.ReadInt32("MaxLockNameBytes"), MaxFences = reader.ReadInt32("MaxFences") };
        }

        var problem = config.FindProblem();
        return problem is null ? config : throw new KvSnapshotCorruptException("config: " + problem);
    }

    private static void ReadEntries(ref KvSnapshotReader reader, KvStateMachineConfig config, KvStore store)
    {
        var count = reader.ReadInt32("entry count");
        ByteString? previousKey = null;
        for (var i = 0; i < count; i++)
        {
            var offset = reader.Position;
            var key = reader.ReadBytes(config.MaxKeyBytes, "key");
            var value = reader.ReadBytes(config.MaxValueBytes, "value");
            if (key.IsEmpty)
            {
                throw new KvSnapshotCorruptException("empty key at offset " + offset);
            }

            if (previousKey is not null && ByteStringComparer.Instance.Compare(previousKey, key) >= 0)
            {
                throw new KvSnapshotCorruptException("key at offset " + offset + " is not after the one before it");
            }

            if (!store.HasRoomFor(key, value))
            {
                throw new KvSnapshotCorruptException("entries exceed MaxDataBytes " + config.MaxDataBytes + " at offset " + offset);
            }

            store.Set(key, value);
            previousKey = key;
        }
    }

    private static void ReadSessions(ref KvSnapshotReader reader, KvStateMachineConfig config, LogIndex applied, KvSessionTable sessions)
    {
        var count = reader.ReadInt32("session count");
        if (count > config.MaxSessions)
        {
            throw new KvSnapshotCorruptException(count + " sessions, more than MaxSessions " + config.MaxSessions);
        }

        var usedIndexes = new HashSet<LogIndex>();
        ByteString? previousId = null;
        for (var i = 0; i < count; i++)
        {
            var offset = reader.Position;
            var session = ReadSession(ref reader, config, applied);
            if (previousId is not null && ByteStringComparer.Instance.Compare(previousId, session.ClientId) >= 0)
            {
                throw new KvSnapshotCorruptException("session at offset " + offset + " is not after the one before it");
            }

            if (!usedIndexes.Add(session.LastAppliedIndex))
            {
                throw new KvSnapshotCorruptException("session at offset " + offset + " shares last applied index " + session.LastAppliedIndex + " with another");
            }

            sessions.AddRestored(session);
            previousId = session.ClientId;
        }
    }

    private static void ReadFences(ref KvSnapshotReader reader, KvStateMachineConfig config, KvFenceTable fences)
    {
        var count = reader.ReadInt32("fence count");
        if (count > config.MaxFences)
        {
            throw new KvSnapshotCorruptException(count + " fences, more than MaxFences " + config.MaxFences);
        }

        ByteString? previousName = null;
        for (var i = 0; i < count; i++)
        {
            var offset = reader.Position;
            var lockName = reader.ReadBytes(config.MaxLockNameBytes, "lock name");
            var token = reader.ReadUInt64("fence token");
            if (lockName.IsEmpty || token == 0)
            {
                throw new KvSnapshotCorruptException("fence at offset " + offset + " has an empty lock name or token 0");
            }

            if (previousName is not null && ByteStringComparer.Instance.Compare(previousName, lockName) >= 0)
            {
                throw new KvSnapshotCorruptException("fence at offset " + offset + " is not after the one before it");
            }

            fences.AddRestored(lockName, token);
            previousName = lockName;
        }
    }

    private static KvSession ReadSession(ref KvSnapshotReader reader, KvStateMachineConfig config, LogIndex applied)
    {
        var offset = reader.Position;
        var clientId = reader.ReadBytes(config.MaxClientIdBytes, "client id");
        var lastSequence = reader.ReadUInt64("last sequence");
        var lastApplied = new LogIndex(reader.ReadUInt64("last applied index"));
        var status = reader.ReadByte("status");
        var reason = reader.ReadByte("reject reason");
        var hasValue = reader.ReadByte("has value");
        var value = reader.ReadBytes(config.MaxValueBytes, "saved value");
        if (clientId.IsEmpty || lastApplied == LogIndex.Zero || lastApplied > applied)
        {
            throw new KvSnapshotCorruptException("session at offset " + offset + " has an empty client id or last applied index " + lastApplied + " outside [1, " + applied + "]");
        }

        if (status == 0)
        {
            return lastSequence == 0 && reason == 0 && hasValue == 0 && value.IsEmpty
                ? KvSession.Restored(clientId, lastApplied, lastSequence, null)
                : throw new KvSnapshotCorruptException("session at offset " + offset + " has no saved response but sequence " + lastSequence);
        }

        if (lastSequence == 0 || hasValue > 1 || (hasValue == 0 && !value.IsEmpty)
            || !KvResult.TryCreate((KvStatus)status, hasValue == 1 ? value : null, (KvRejectReason)reason, out var result)
            || !result.IsAppliedOutcome)
        {
            throw new KvSnapshotCorruptException("session at offset " + offset + " has an invalid saved response (status " + status + ", reason " + reason + ", sequence " + lastSequence + ")");
        }

        return KvSession.Restored(clientId, lastApplied, lastSequence, result);
    }
}
