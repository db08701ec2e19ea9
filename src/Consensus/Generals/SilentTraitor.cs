namespace Synod.Consensus.Generals;

/// <summary>A traitor who sends nothing, so every recipient falls back to RETREAT (paper §3, A3).</summary>
public sealed class SilentTraitor : ITraitorStrategy
{
    public string Name => "silent";

    public Order? Choose(TraitorMessage message) => null;
}
