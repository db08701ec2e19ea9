using System.Text;
using Synod.Consensus.Raft;

namespace Synod.Consensus.Tests.Harness;

/// <summary>Builds logs of given shapes for crafted replica states (the paper's figures).</summary>
internal static class CraftedLog
{
    /// <summary>Command entries at indexes 1..N with the given terms; each carries "index@term".</summary>
    public static Entry[] OfTerms(params ulong[] terms) =>
        [.. terms.Select((term, i) => Command((ulong)i + 1, term))];

    public static Entry Command(ulong index, ulong term) =>
        new(new LogIndex(index), new Term(term), EntryKind.Command, Encoding.UTF8.GetBytes(Payload(index, term)));

    public static string Payload(ulong index, ulong term) => $"{index}@{term}";

    public static HardState HardState(ulong term, ulong vote = 0, ulong commit = 0) =>
        new(new Term(term), new ReplicaId(vote), new LogIndex(commit));
}
