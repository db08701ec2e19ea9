using System.Runtime.CompilerServices;

namespace Synod.Consensus.Tests.Scenarios;

public sealed class ScenarioTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(TestDataDirectory(), "*.txt").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(path));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void ScenarioProducesTheRecordedOutput(string file)
    {
        // Proves the core behaves, message by message, as each reviewed scenario file records:
        // elections, partial partitions, Figure 8, transfer, reads, membership, snapshots and quiescence.
        var scenario = ScenarioFile.Load(Path.Combine(TestDataDirectory(), file));
        var cluster = new ScenarioCluster();
        var actual = new List<string>();
        foreach (var stanza in scenario.Stanzas)
        {
            var output = string.Join('\n', stanza.Commands.Select(cluster.Execute).Where(o => o.Length > 0));
            actual.Add(output.Length == 0 ? "ok" : output);
        }

        if (ScenarioFile.Rewrite)
        {
            scenario.Save(actual);
            return;
        }

        for (var i = 0; i < scenario.Stanzas.Count; i++)
        {
            var stanza = scenario.Stanzas[i];
            Assert.True(
                stanza.Expected == actual[i],
                $"{file}:{stanza.Line}: {string.Join(" / ", stanza.Commands)}\n--- expected\n{stanza.Expected}\n--- actual\n{actual[i]}\n(rerun with SYNOD_REWRITE=1 to regenerate, then review the diff)");
        }
    }

    private static string TestDataDirectory([CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "..", "testdata", "raft");
}
