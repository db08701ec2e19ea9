using System.Collections.Immutable;

namespace Synod.Consensus.Generals;

/// <summary>
/// One run of OM(<see cref="Depth"/>) among <see cref="Generals"/> generals: the order a loyal
/// commander gives, who the traitors are and how they behave. <see cref="Validate"/> runs before
/// every run.
/// </summary>
public sealed record OralMessagesScenario
{
    /// <summary>Most generals in one run; with OM(m) the message count grows like (n-1)^(m+1).</summary>
    public const int MaxGenerals = 16;

    /// <summary>Most messages one run may exchange (see <see cref="OralMessages.MessageCount"/>).</summary>
    public const long MaxMessages = 1_000_000;

    /// <summary>n: the commander (id 0) and n-1 lieutenants (ids 1..n-1).</summary>
    public required int Generals { get; init; }

    /// <summary>The m of OM(m): the recursion depth, and the number of traitors the run is built to tolerate.</summary>
    public required int Depth { get; init; }

    /// <summary>The order the commander gives when he is loyal; a traitor commander's strategy sees it as the loyal value.</summary>
    public required Order Order { get; init; }

    /// <summary>The traitors, in ascending order without repeats; may include the commander.</summary>
    public ImmutableArray<GeneralId> Traitors { get; init; } = [];

    public required ITraitorStrategy Strategy { get; init; }

    public bool CommanderIsLoyal => !IsTraitor(GeneralId.Commander);

    public bool IsTraitor(GeneralId general) => Traitors.Contains(general);

    public void Validate()
    {
        Require(Generals >= 2 && Generals <= MaxGenerals, $"Generals must be in [2, {MaxGenerals}]");
        Require(Depth >= 0, "Depth must not be negative");
        Require(Enum.IsDefined(Order), "Order must be Attack or Retreat");
        Require(!Traitors.IsDefault, "Traitors must not be default");
        for (var i = 0; i < Traitors.Length; i++)
        {
            Require(Traitors[i].Value >= 0 && Traitors[i].Value < Generals, "every traitor must be one of the generals");
            Require(i == 0 || Traitors[i - 1] < Traitors[i], "Traitors must be ascending without repeats");
        }

        Require(OralMessages.MessageCount(Generals, Depth) <= MaxMessages, $"OM({Depth}) among {Generals} generals exceeds {MaxMessages} messages");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
