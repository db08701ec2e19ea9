using System.Buffers.Binary;
using Synod.Consensus.Raft;

namespace Synod.Simulation.Raft;

/// <summary>
/// The simulated replicas' state machine: a key-value map with per-client sessions so that a
/// duplicated command is applied once. Snapshots serialise it in key order.
/// </summary>
public sealed class KvStateMachine
{
    private readonly SortedDictionary<int, long> _values = [];
    private readonly SortedDictionary<int, ulong> _lastSequence = [];

    public LogIndex Applied { get; private set; }

    public long Get(int key) => _values.TryGetValue(key, out var value) ? value : 0;

    /// <summary>Applies one committed entry; returns whether it was a new (not duplicate) write.</summary>
    public bool Apply(Entry entry)
    {
        Applied = entry.Index;
        if (entry.Kind != EntryKind.Command)
        {
            return false;
        }

        var command = KvCommand.Decode(entry.Data.Span);
        if (_lastSequence.TryGetValue(command.Client, out var last) && command.Sequence <= last)
        {
            return false;
        }

        _lastSequence[command.Client] = command.Sequence;
        _values[command.Key] = command.Value;
        return true;
    }

    public byte[] Save()
    {
        var buffer = new byte[8 + 4 + (_values.Count * 12) + 4 + (_lastSequence.Count * 12)];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteUInt64LittleEndian(span, Applied.Value);
        var offset = 8;
        BinaryPrimitives.WriteInt32LittleEndian(span[offset..], _values.Count);
        offset += 4;
        foreach (var (key, value) in _values)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[offset..], key);
            BinaryPrimitives.WriteInt64LittleEndian(span[(offset + 4)..], value);
            offset += 12;
        }

        BinaryPrimitives.WriteInt32LittleEndian(span[offset..], _lastSequence.Count);
        offset += 4;
        foreach (var (client, sequence) in _lastSequence)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[offset..], client);
            BinaryPrimitives.WriteUInt64LittleEndian(span[(offset + 4)..], sequence);
            offset += 12;
        }

        return buffer;
    }

    public static KvStateMachine Load(ReadOnlySpan<byte> data)
    {
        var machine = new KvStateMachine();
        if (data.IsEmpty)
        {
            return machine;
        }

        machine.Applied = new LogIndex(BinaryPrimitives.ReadUInt64LittleEndian(data));
        var offset = 8;
        var count = BinaryPrimitives.ReadInt32LittleEndian(data[offset..]);
        offset += 4;
        for (var i = 0; i < count; i++, offset += 12)
        {
            machine._values[BinaryPrimitives.ReadInt32LittleEndian(data[offset..])] = BinaryPrimitives.ReadInt64LittleEndian(data[(offset + 4)..]);
        }

        count = BinaryPrimitives.ReadInt32LittleEndian(data[offset..]);
        offset += 4;
        for (var i = 0; i < count; i++, offset += 12)
        {
            machine._lastSequence[BinaryPrimitives.ReadInt32LittleEndian(data[offset..])] = BinaryPrimitives.ReadUInt64LittleEndian(data[(offset + 4)..]);
        }

        return machine;
    }
}
