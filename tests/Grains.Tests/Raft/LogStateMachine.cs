using System.Buffers.Binary;
using System.Text;
using Synod.Grains.Raft;

namespace Synod.Grains.Tests.Raft;

/// <summary>
/// A test state machine: it appends every command to a list, answers a command with its log index,
/// and answers a read with all commands so far joined by commas. Snapshots carry the list.
/// </summary>
public sealed class LogStateMachine : IReplicatedStateMachine
{
    private readonly List<string> _commands = [];
    private ulong _lastIndex;

    public IReadOnlyList<string> Commands => _commands;

    public byte[] Apply(ulong index, ReadOnlySpan<byte> command)
    {
        Assert.True(index > _lastIndex, $"applied index {index} after {_lastIndex}");
        _lastIndex = index;
        _commands.Add(Encoding.UTF8.GetString(command));
        byte[] answer = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(answer, index);
        return answer;
    }

    public void MarkApplied(ulong index)
    {
        Assert.True(index > _lastIndex, $"marked index {index} after {_lastIndex}");
        _lastIndex = index;
    }

    public byte[] Query(ReadOnlySpan<byte> query) => Encoding.UTF8.GetBytes(string.Join(',', _commands));

    public byte[] Snapshot() => Encoding.UTF8.GetBytes($"{_lastIndex}|{string.Join(',', _commands)}");

    public void Restore(ReadOnlySpan<byte> snapshot)
    {
        _commands.Clear();
        string text = Encoding.UTF8.GetString(snapshot);
        if (text.Length == 0)
        {
            _lastIndex = 0;
            return;
        }

        string[] parts = text.Split('|', 2);
        _lastIndex = ulong.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        _commands.AddRange(parts[1].Length == 0 ? [] : parts[1].Split(','));
    }
}
