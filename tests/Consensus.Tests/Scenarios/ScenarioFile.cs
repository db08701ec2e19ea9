using System.Text;

namespace Synod.Consensus.Tests.Scenarios;

/// <summary>
/// A data-driven scenario file in the style of etcd's raft testdata: stanzas of commands, a
/// <c>----</c> line, then the expected deterministic output; stanzas are separated by blank lines
/// and lines starting with <c>#</c> are comments. With <c>SYNOD_REWRITE=1</c> the expected outputs
/// are regenerated in place (review every diff).
/// </summary>
internal sealed class ScenarioFile
{
    private ScenarioFile(string path, List<Stanza> stanzas)
    {
        Path = path;
        Stanzas = stanzas;
    }

    public string Path { get; }

    public List<Stanza> Stanzas { get; }

    public static bool Rewrite => Environment.GetEnvironmentVariable("SYNOD_REWRITE") == "1";

    public static ScenarioFile Load(string path)
    {
        var stanzas = new List<Stanza>();
        var lines = File.ReadAllLines(path);
        var i = 0;
        while (i < lines.Length)
        {
            var comments = new List<string>();
            while (i < lines.Length && (lines[i].Length == 0 || lines[i].StartsWith('#')))
            {
                if (lines[i].StartsWith('#'))
                {
                    comments.Add(lines[i]);
                }

                i++;
            }

            if (i >= lines.Length)
            {
                break;
            }

            var commands = new List<string>();
            var lineNumber = i + 1;
            while (i < lines.Length && lines[i] != "----")
            {
                commands.Add(lines[i]);
                i++;
            }

            if (i >= lines.Length)
            {
                throw new FormatException($"{path}:{lineNumber}: stanza without a ---- line");
            }

            i++;
            var expected = new List<string>();
            while (i < lines.Length && lines[i].Length > 0)
            {
                expected.Add(lines[i]);
                i++;
            }

            stanzas.Add(new Stanza(lineNumber, comments, commands, string.Join('\n', expected)));
        }

        return new ScenarioFile(path, stanzas);
    }

    public void Save(IReadOnlyList<string> actualOutputs)
    {
        var text = new StringBuilder();
        for (var s = 0; s < Stanzas.Count; s++)
        {
            var stanza = Stanzas[s];
            foreach (var comment in stanza.Comments)
            {
                text.Append(comment).Append('\n');
            }

            foreach (var command in stanza.Commands)
            {
                text.Append(command).Append('\n');
            }

            text.Append("----\n").Append(actualOutputs[s]).Append('\n');
            if (s < Stanzas.Count - 1)
            {
                text.Append('\n');
            }
        }

        File.WriteAllText(Path, text.ToString());
    }

    internal sealed record Stanza(int Line, List<string> Comments, List<string> Commands, string Expected);
}
