namespace Synod.Consensus.Generals;

/// <summary>A traitor who alternates by recipient: ATTACK to even-numbered generals, RETREAT to odd-numbered ones.</summary>
public sealed class ParityTraitor : ITraitorStrategy
{
    public string Name => "alternate";

    public Order? Choose(TraitorMessage message) =>
        message.Recipient.Value % 2 == 0 ? Order.Attack : Order.Retreat;
}
