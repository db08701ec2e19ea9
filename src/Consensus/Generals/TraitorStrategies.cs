using System.Collections.Immutable;

namespace Synod.Consensus.Generals;

/// <summary>The traitor strategies every search runs, in a fixed order.</summary>
public static class TraitorStrategies
{
    public static ImmutableArray<TraitorStrategyFactory> Standard(ulong seed) =>
    [
        Of(() => new AlwaysAttackTraitor()),
        Of(() => new AlwaysRetreatTraitor()),
        Of(() => new ParityTraitor()),
        Of(() => new RandomTraitor(new SplitMix64Random(seed))),
        Of(() => new SplitTraitor()),
        Of(() => new InvertingTraitor()),
        Of(() => new SilentTraitor()),
    ];

    public static TraitorStrategyFactory Of(Func<ITraitorStrategy> create) => new(create().Name, create);
}
