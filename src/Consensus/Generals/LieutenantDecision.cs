namespace Synod.Consensus.Generals;

/// <summary>The order a loyal lieutenant obeys at the end of OM(m).</summary>
public readonly record struct LieutenantDecision(GeneralId Lieutenant, Order Order);
