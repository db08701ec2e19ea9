using Synod.Consensus.Generals;

namespace Synod.Generals.Tests.Harness;

/// <summary>
/// A traitor whose messages are written out in advance, keyed by path (<c>0:3</c>) and recipient;
/// an unscripted message carries the loyal value.
/// </summary>
internal sealed class ScriptedTraitor : ITraitorStrategy
{
    private readonly Dictionary<(string Path, int Recipient), Order?> _script = [];

    public string Name => "scripted";

    public ScriptedTraitor Sends(string path, int recipient, Order? value)
    {
        _script[(path, recipient)] = value;
        return this;
    }

    public Order? Choose(TraitorMessage message) =>
        _script.TryGetValue((message.Path.ToString(), message.Recipient.Value), out var value) ? value : message.LoyalValue;
}
