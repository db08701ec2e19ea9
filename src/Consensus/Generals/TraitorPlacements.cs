using System.Collections.Immutable;

namespace Synod.Consensus.Generals;

/// <summary>Every way to choose which generals are traitors, in lexicographic order.</summary>
public static class TraitorPlacements
{
    /// <summary>Every subset of exactly <paramref name="traitors"/> of the generals 0..n-1; the commander is one of them.</summary>
    public static IEnumerable<ImmutableArray<GeneralId>> OfSize(int generals, int traitors)
    {
        if (traitors < 0 || traitors > generals)
        {
            yield break;
        }

        var chosen = Enumerable.Range(0, traitors).ToArray();
        while (true)
        {
            yield return [.. chosen.Select(id => new GeneralId(id))];
            if (!TryAdvance(chosen, generals))
            {
                yield break;
            }
        }
    }

    /// <summary>Every subset of at most <paramref name="traitors"/> generals, smallest first.</summary>
    public static IEnumerable<ImmutableArray<GeneralId>> UpTo(int generals, int traitors) =>
        Enumerable.Range(0, Math.Max(traitors + 1, 0)).SelectMany(size => OfSize(generals, size));

    /// <summary>Moves <paramref name="chosen"/> to the next combination; false after the last one.</summary>
    private static bool TryAdvance(int[] chosen, int generals)
    {
        var position = chosen.Length - 1;
        while (position >= 0 && chosen[position] == generals - chosen.Length + position)
        {
            position--;
        }

        if (position < 0)
        {
            return false;
        }

        chosen[position]++;
        for (var next = position + 1; next < chosen.Length; next++)
        {
            chosen[next] = chosen[next - 1] + 1;
        }

        return true;
    }
}
