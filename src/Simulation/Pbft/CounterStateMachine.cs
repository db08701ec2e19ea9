using System.Buffers.Binary;
using Synod.Consensus.Pbft;

namespace Synod.Simulation.Pbft;

/// <summary>
/// The simulated replicas' state machine: counters that requests add to, with the last reply per
/// client so a repeated timestamp is answered without executing again (Castro and Liskov §4.1).
/// </summary>
internal sealed class CounterStateMachine
{
    private readonly SortedDictionary<ulong, long> _counters = [];
    private readonly SortedDictionary<ulong, (ulong Timestamp, long Result)> _lastReply = [];

    /// <summary>The client table: each client's last executed timestamp.</summary>
    public IReadOnlyDictionary<ulong, ulong> ExecutedTimestamps => _lastReply.ToDictionary(r => r.Key, r => r.Value.Timestamp);

    public static byte[] Operation(ulong key, long delta)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, key);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), delta);
        return bytes;
    }

    /// <summary>Executes a request, or returns the stored reply for a repeat; null for an older timestamp.</summary>
    public (long Result, bool Executed)? Execute(ClientRequest request)
    {
        if (_lastReply.TryGetValue(request.Client, out var last) && request.Timestamp <= last.Timestamp)
        {
            return request.Timestamp == last.Timestamp ? (last.Result, false) : null;
        }

        long result = 0;
        if (request.Operation.Length == 16)
        {
            var key = BinaryPrimitives.ReadUInt64LittleEndian(request.Operation.Span);
            var delta = BinaryPrimitives.ReadInt64LittleEndian(request.Operation.Span[8..]);
            _counters.TryGetValue(key, out var value);
            result = value + delta;
            _counters[key] = result;
        }

        _lastReply[request.Client] = (request.Timestamp, result);
        return (result, true);
    }

    public byte[] Save()
    {
        var buffer = new byte[8 + (_counters.Count * 16) + 8 + (_lastReply.Count * 24)];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteInt64LittleEndian(span, _counters.Count);
        var offset = 8;
        foreach (var (key, value) in _counters)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[offset..], key);
            BinaryPrimitives.WriteInt64LittleEndian(span[(offset + 8)..], value);
            offset += 16;
        }

        BinaryPrimitives.WriteInt64LittleEndian(span[offset..], _lastReply.Count);
        offset += 8;
        foreach (var (client, (timestamp, result)) in _lastReply)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[offset..], client);
            BinaryPrimitives.WriteUInt64LittleEndian(span[(offset + 8)..], timestamp);
            BinaryPrimitives.WriteInt64LittleEndian(span[(offset + 16)..], result);
            offset += 24;
        }

        return buffer;
    }

    public static CounterStateMachine Load(ReadOnlySpan<byte> data)
    {
        var machine = new CounterStateMachine();
        var count = BinaryPrimitives.ReadInt64LittleEndian(data);
        var offset = 8;
        for (var i = 0; i < count; i++, offset += 16)
        {
            machine._counters[BinaryPrimitives.ReadUInt64LittleEndian(data[offset..])] = BinaryPrimitives.ReadInt64LittleEndian(data[(offset + 8)..]);
        }

        count = BinaryPrimitives.ReadInt64LittleEndian(data[offset..]);
        offset += 8;
        for (var i = 0; i < count; i++, offset += 24)
        {
            machine._lastReply[BinaryPrimitives.ReadUInt64LittleEndian(data[offset..])] =
                (BinaryPrimitives.ReadUInt64LittleEndian(data[(offset + 8)..]), BinaryPrimitives.ReadInt64LittleEndian(data[(offset + 16)..]));
        }

        return machine;
    }
}
