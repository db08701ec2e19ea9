namespace Synod.Consensus.Generals;

/// <summary>A traitor who always lies: he sends the opposite of what a loyal general would send.</summary>
public sealed class InvertingTraitor : ITraitorStrategy
{
    public string Name => "invert";

    public Order? Choose(TraitorMessage message) => Orders.Opposite(message.LoyalValue);
}
