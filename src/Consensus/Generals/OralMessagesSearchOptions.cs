using System.Collections.Immutable;

namespace Synod.Consensus.Generals;

/// <summary>
/// An exhaustive search: OM(<see cref="Depth"/>) among <see cref="Generals"/> generals for every
/// placement of <see cref="Traitors"/> traitors (and of fewer, with <see cref="IncludeFewerTraitors"/>),
/// every order a loyal commander may give, and every strategy.
/// </summary>
public sealed record OralMessagesSearchOptions
{
    /// <summary>Most runs one search may make.</summary>
    public const int MaxCases = 200_000;

    /// <summary>Most messages one search may send, over all its runs (a few seconds' work).</summary>
    public const long MaxSearchMessages = 25_000_000;

    public required int Generals { get; init; }

    /// <summary>How many generals are traitors in each placement; the commander may be one.</summary>
    public required int Traitors { get; init; }

    /// <summary>The m of OM(m). Theorem 1 needs m at least the number of traitors.</summary>
    public required int Depth { get; init; }

    public bool IncludeFewerTraitors { get; init; }

    public ImmutableArray<Order> CommanderOrders { get; init; } = [Order.Attack, Order.Retreat];

    public ImmutableArray<TraitorStrategyFactory> Strategies { get; init; } = TraitorStrategies.Standard(seed: 1);

    /// <summary>How many violating cases the result keeps in full; every violation is counted.</summary>
    public int MaxRecordedViolations { get; init; } = 100;

    public long PlacementCount()
    {
        var sizes = IncludeFewerTraitors ? Enumerable.Range(0, Traitors + 1) : [Traitors];
        return sizes.Sum(size => Binomial(Generals, size));
    }

    public void Validate()
    {
        Require(Generals >= 2 && Generals <= OralMessagesScenario.MaxGenerals, $"Generals must be in [2, {OralMessagesScenario.MaxGenerals}]");
        Require(Depth >= 0, "Depth must not be negative");
        Require(Traitors >= 0 && Traitors <= Generals, "Traitors must be in [0, Generals]");
        Require(!CommanderOrders.IsDefaultOrEmpty, "CommanderOrders must not be empty");
        Require(!Strategies.IsDefaultOrEmpty, "Strategies must not be empty");
        Require(MaxRecordedViolations >= 0, "MaxRecordedViolations must not be negative");
        var cases = PlacementCount() * CommanderOrders.Length * Strategies.Length;
        Require(cases <= MaxCases, $"the search would make {cases} runs, more than {MaxCases}");
        var messages = OralMessages.MessageCount(Generals, Depth);
        Require(messages <= OralMessagesScenario.MaxMessages, $"OM({Depth}) among {Generals} generals exceeds {OralMessagesScenario.MaxMessages} messages");
        Require(messages * cases <= MaxSearchMessages, $"the search would send {messages * cases} messages, more than {MaxSearchMessages}");
    }

    private static long Binomial(int n, int k)
    {
        long result = 1;
        for (var i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }

        return result;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
