namespace Synod.Consensus.Generals;

/// <summary>
/// Makes a fresh strategy for each run, so that a stateful strategy (a seeded random one) starts
/// every run from the same state and each run can be replayed on its own.
/// </summary>
public sealed record TraitorStrategyFactory(string Name, Func<ITraitorStrategy> Create);
