namespace Synod.Consensus.Generals;

/// <summary>
/// The adversary of the impossibility argument (paper §3, Fig. 1 and 2): the traitors collude to
/// split the loyal lieutenants into two camps, telling the lower-numbered half (rounded up, since
/// ties favour RETREAT) ATTACK and the rest RETREAT along every path, so that each camp hears a
/// consistent story that differs from the other camp's. Fellow traitors are told the loyal value.
/// </summary>
public sealed class SplitTraitor : ITraitorStrategy
{
    public string Name => "split";

    public Order? Choose(TraitorMessage message)
    {
        if (message.Recipient.IsCommander || message.IsTraitor(message.Recipient))
        {
            return message.LoyalValue;
        }

        var rank = 0;
        var loyal = 0;
        for (var id = 1; id < message.Generals; id++)
        {
            var general = new GeneralId(id);
            if (message.IsTraitor(general))
            {
                continue;
            }

            if (general < message.Recipient)
            {
                rank++;
            }

            loyal++;
        }

        return rank < (loyal + 1) / 2 ? Order.Attack : Order.Retreat;
    }
}
