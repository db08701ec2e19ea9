using System.Globalization;

namespace Synod.Silo.Dashboard;

/// <summary>Filtering, sorting and paging of the groups table, on the server (thousands of groups).</summary>
internal static class GroupOrder
{
    /// <summary>Most rows in one page.</summary>
    public const int MaxPageSize = 500;

    /// <summary>Compares names so that <c>kv-2</c> comes before <c>kv-10</c>.</summary>
    public static readonly Comparer<string> Natural = Comparer<string>.Create(CompareNatural);

    public static GroupsPage Page(IReadOnlyList<GroupView> groups, string? filter, string? sort, bool descending, int offset, int limit)
    {
        IEnumerable<GroupView> matched = groups;
        foreach (string term in (filter ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            matched = matched.Where(g => Matches(g, term));
        }

        List<GroupView> rows = [.. Sort(matched, sort, descending)];
        offset = Math.Clamp(offset, 0, Math.Max(0, rows.Count));
        limit = Math.Clamp(limit, 1, MaxPageSize);
        return new GroupsPage(groups.Count, rows.Count, offset, [.. rows.Skip(offset).Take(limit).Select(g => g with { Replicas = [] })]);
    }

    // A term matches the name, the protocol or the health; "silo:N" matches groups with a replica on silo N.
    private static bool Matches(GroupView group, string term)
    {
        if (term.StartsWith("silo:", StringComparison.OrdinalIgnoreCase) && int.TryParse(term.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int silo))
        {
            return group.Replicas.Any(r => r.Silo == silo);
        }

        return group.Group.Contains(term, StringComparison.OrdinalIgnoreCase)
            || group.Protocol.Equals(term, StringComparison.OrdinalIgnoreCase)
            || group.Health.Equals(term, StringComparison.OrdinalIgnoreCase);
    }

    private static IEnumerable<GroupView> Sort(IEnumerable<GroupView> groups, string? sort, bool descending)
    {
        IOrderedEnumerable<GroupView> ordered = sort switch
        {
            "protocol" => By(groups, g => g.Protocol, StringComparer.Ordinal, descending),
            "leader" => By(groups, g => g.LeaderSilo ?? int.MaxValue, Comparer<int>.Default, descending),
            "term" => By(groups, g => g.Term, Comparer<ulong>.Default, descending),
            "commit" => By(groups, g => g.Commit, Comparer<ulong>.Default, descending),
            "applied" => By(groups, g => g.Applied, Comparer<ulong>.Default, descending),
            "lag" => By(groups, g => g.SlowestLagEntries, Comparer<ulong>.Default, descending),
            "changes" => By(groups, g => g.LeaderChanges, Comparer<long>.Default, descending),
            "health" => By(groups, g => HealthRank(g.Health), Comparer<int>.Default, descending),
            _ => By(groups, g => g.Group, Natural, descending),
        };
        return ordered.ThenBy(g => g.Group, Natural);
    }

    private static IOrderedEnumerable<GroupView> By<T>(IEnumerable<GroupView> groups, Func<GroupView, T> key, IComparer<T> comparer, bool descending) =>
        descending ? groups.OrderByDescending(key, comparer) : groups.OrderBy(key, comparer);

    private static int HealthRank(string health) => health switch { "down" => 0, "degraded" => 1, _ => 2 };

    private static int CompareNatural(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return string.CompareOrdinal(a, b);
        }

        // Without allocating: it runs for every pair compared while a thousand groups are sorted each second.
        int prefixA = PrefixLength(a);
        int prefixB = PrefixLength(b);
        int byPrefix = a.AsSpan(0, prefixA).SequenceCompareTo(b.AsSpan(0, prefixB));
        if (byPrefix != 0)
        {
            return byPrefix;
        }

        long numberA = prefixA == a.Length ? -1 : long.Parse(a.AsSpan(prefixA), CultureInfo.InvariantCulture);
        long numberB = prefixB == b.Length ? -1 : long.Parse(b.AsSpan(prefixB), CultureInfo.InvariantCulture);
        return numberA != numberB ? numberA.CompareTo(numberB) : string.CompareOrdinal(a, b);
    }

    // The length of the name before its trailing digits (all of it when there are none or too many).
    private static int PrefixLength(string name)
    {
        int digits = name.Length;
        while (digits > 0 && char.IsAsciiDigit(name[digits - 1]))
        {
            digits--;
        }

        return name.Length - digits > 18 ? name.Length : digits;
    }
}
