using System.Text;
using Synod.Consensus.Raft;

namespace Synod.Consensus.Tests.Harness;

/// <summary>
/// The replicated state machine of the tests: the list of applied commands, in log order. Its
/// snapshot is the commands joined by newlines, so tests compare replicas by what they applied.
/// </summary>
internal sealed class TestStateMachine
{
    private readonly List<string> _commands = [];

    public LogIndex AppliedIndex { get; private set; }

    public IReadOnlyList<string> Commands => _commands;

    public void Apply(Entry entry)
    {
        if (entry.Index != AppliedIndex.Next())
        {
            throw new InvalidOperationException($"entry {entry} applied after {AppliedIndex}: committed entries must be applied in order, once");
        }

        if (entry.Kind == EntryKind.Command)
        {
            _commands.Add(Encoding.UTF8.GetString(entry.Data.Span));
        }

        AppliedIndex = entry.Index;
    }

    public byte[] Capture() => Encoding.UTF8.GetBytes(string.Join('\n', _commands));

    public void Restore(Snapshot snapshot)
    {
        _commands.Clear();
        var text = Encoding.UTF8.GetString(snapshot.Data.Span);
        if (text.Length > 0)
        {
            _commands.AddRange(text.Split('\n'));
        }

        AppliedIndex = snapshot.Metadata.Index;
    }
}
