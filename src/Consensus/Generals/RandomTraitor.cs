namespace Synod.Consensus.Generals;

/// <summary>
/// A traitor who sends ATTACK, RETREAT or nothing, chosen by a seeded source. OM(m) asks for
/// messages in a fixed order, so a run is reproducible from the seed.
/// </summary>
public sealed class RandomTraitor : ITraitorStrategy
{
    private readonly IRandomSource _random;

    public RandomTraitor(IRandomSource random) => _random = random;

    public string Name => "random";

    public Order? Choose(TraitorMessage message) => _random.Next(3) switch
    {
        0 => Order.Attack,
        1 => Order.Retreat,
        _ => null,
    };
}
