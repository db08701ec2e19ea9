namespace Synod.Consensus.Generals;

/// <summary>A traitor who sends RETREAT to everyone along every path.</summary>
public sealed class AlwaysRetreatTraitor : ITraitorStrategy
{
    public string Name => "always-retreat";

    public Order? Choose(TraitorMessage message) => Order.Retreat;
}
