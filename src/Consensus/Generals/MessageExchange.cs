using System.Collections.Immutable;

namespace Synod.Consensus.Generals;

/// <summary>
/// The message phase of OM(m): every message of the outer instance and of all nested instances,
/// and the value each recipient uses for it. A loyal sender sends exactly the value he holds; a
/// traitor sends whatever the strategy chooses.
/// </summary>
internal sealed class MessageExchange
{
    private readonly OralMessagesScenario _scenario;
    private readonly Dictionary<(MessagePath Path, GeneralId Recipient), Order> _received = [];
    private readonly ImmutableArray<OralMessage>.Builder _transcript = ImmutableArray.CreateBuilder<OralMessage>();

    public MessageExchange(OralMessagesScenario scenario) => _scenario = scenario;

    public ImmutableArray<OralMessage> Transcript => _transcript.ToImmutable();

    /// <summary>
    /// OM(<paramref name="depth"/>) commanded by <c>path.Sender</c>, who holds <paramref name="value"/>:
    /// step 1 sends it to every lieutenant of this instance; for depth &gt; 0, step 2 has each of
    /// them command OM(depth-1) with the value he received (paper §3).
    /// </summary>
    public void Run(MessagePath path, Order value, int depth)
    {
        var lieutenants = path.Lieutenants(_scenario.Generals).ToImmutableArray();
        foreach (var lieutenant in lieutenants)
        {
            Send(path, lieutenant, value);
        }

        if (depth == 0)
        {
            return;
        }

        foreach (var lieutenant in lieutenants)
        {
            Run(path.Append(lieutenant), Received(path, lieutenant), depth - 1);
        }
    }

    /// <summary>The value <paramref name="recipient"/> uses for the message along <paramref name="path"/>.</summary>
    public Order Received(MessagePath path, GeneralId recipient)
    {
        var found = _received.TryGetValue((path, recipient), out var value);
        Invariant.Holds(found, $"no message along {path} to {recipient}");
        return value;
    }

    private void Send(MessagePath path, GeneralId recipient, Order loyalValue)
    {
        var fromTraitor = _scenario.IsTraitor(path.Sender);
        var sent = fromTraitor ? _scenario.Strategy.Choose(TraitorMessage(path, recipient, loyalValue)) : loyalValue;
        var message = new OralMessage(path, recipient, loyalValue, sent, fromTraitor);
        _transcript.Add(message);
        _received.Add((path, recipient), message.Received);
    }

    private TraitorMessage TraitorMessage(MessagePath path, GeneralId recipient, Order loyalValue) =>
        new(path, recipient, loyalValue, _scenario.Generals, _scenario.Traitors);
}
