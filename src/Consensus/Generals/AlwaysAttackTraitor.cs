namespace Synod.Consensus.Generals;

/// <summary>A traitor who sends ATTACK to everyone along every path.</summary>
public sealed class AlwaysAttackTraitor : ITraitorStrategy
{
    public string Name => "always-attack";

    public Order? Choose(TraitorMessage message) => Order.Attack;
}
