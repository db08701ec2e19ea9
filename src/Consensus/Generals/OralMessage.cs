namespace Synod.Consensus.Generals;

/// <summary>
/// One message of a run, as recorded in <see cref="OralMessagesOutcome.Transcript"/>: what the
/// sender (the last general on <see cref="Path"/>) sent to <see cref="Recipient"/>, and what a loyal
/// sender would have sent. <see cref="Sent"/> is null when a traitor sent nothing.
/// </summary>
public sealed record OralMessage(MessagePath Path, GeneralId Recipient, Order LoyalValue, Order? Sent, bool FromTraitor)
{
    public GeneralId Sender => Path.Sender;

    /// <summary>The value the recipient uses: the one sent, or RETREAT for a missing or invalid one.</summary>
    public Order Received => Orders.Received(Sent);

    /// <summary>True when the recipient uses a value other than the one a loyal sender would have sent.</summary>
    public bool IsLie => Received != LoyalValue;
}
