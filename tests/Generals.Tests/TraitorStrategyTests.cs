using Synod.Consensus;
using Synod.Consensus.Generals;
using Synod.Generals.Tests.Harness;

namespace Synod.Generals.Tests;

public sealed class TraitorStrategyTests
{
    private static TraitorMessage Message(int recipient, Order loyal, params int[] traitors) =>
        new(MessagePath.Commander, new GeneralId(recipient), loyal, 7, Search.Traitors(traitors));

    [Fact]
    public void Split_tells_the_lower_half_of_the_loyal_lieutenants_attack_and_the_rest_retreat()
    {
        // Proves the split adversary divides the loyal lieutenants into two camps (the larger one told ATTACK, since ties favour RETREAT) and tells fellow traitors the loyal value.
        var split = new SplitTraitor();

        var told = Enumerable.Range(1, 5).Select(id => split.Choose(Message(id, Order.Retreat, 0, 6))).ToList();

        Assert.Equal([Order.Attack, Order.Attack, Order.Attack, Order.Retreat, Order.Retreat], told);
        Assert.Equal(Order.Retreat, split.Choose(Message(6, Order.Retreat, 0, 6)));
    }

    [Fact]
    public void The_simple_strategies_send_what_their_names_say()
    {
        // Proves each named strategy's behaviour on one message: constant values, parity of the recipient, the opposite of the loyal value, or nothing.
        Assert.Equal(Order.Attack, new AlwaysAttackTraitor().Choose(Message(3, Order.Retreat, 0)));
        Assert.Equal(Order.Retreat, new AlwaysRetreatTraitor().Choose(Message(3, Order.Attack, 0)));
        Assert.Equal(Order.Attack, new ParityTraitor().Choose(Message(2, Order.Retreat, 0)));
        Assert.Equal(Order.Retreat, new ParityTraitor().Choose(Message(3, Order.Attack, 0)));
        Assert.Equal(Order.Retreat, new InvertingTraitor().Choose(Message(3, Order.Attack, 0)));
        Assert.Null(new SilentTraitor().Choose(Message(3, Order.Attack, 0)));
    }

    [Fact]
    public void The_random_strategy_uses_every_choice_and_repeats_for_a_seed()
    {
        // Proves the seeded strategy draws only from its source: the same seed gives the same answers, and over many messages it sends ATTACK, RETREAT and nothing.
        List<Order?> Draw(ulong seed)
        {
            var random = new RandomTraitor(new SplitMix64Random(seed));
            return Enumerable.Range(0, 60).Select(i => random.Choose(Message(1 + (i % 6), Order.Attack, 0))).ToList();
        }

        Assert.Equal(Draw(3), Draw(3));
        Assert.Equal(3, Draw(3).Distinct().Count());
    }

    [Fact]
    public void The_standard_catalog_names_each_strategy_once_and_makes_fresh_instances()
    {
        // Proves that every search runs the same seven strategies under distinct names, and that each run gets its own strategy so a seeded one restarts from its seed.
        var catalog = TraitorStrategies.Standard(seed: 1);

        Assert.Equal(["always-attack", "always-retreat", "alternate", "random", "split", "invert", "silent"], catalog.Select(s => s.Name));
        Assert.All(catalog, s => Assert.NotSame(s.Create(), s.Create()));
    }
}
