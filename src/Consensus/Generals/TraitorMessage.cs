using System.Collections.Immutable;

namespace Synod.Consensus.Generals;

/// <summary>
/// One message a traitor is about to send: along <see cref="Path"/> (which ends with the traitor)
/// to <see cref="Recipient"/>. <see cref="LoyalValue"/> is what a loyal general in the traitor's
/// place would send — the commander's order, or the value the traitor received along the path
/// without its last general.
/// </summary>
public sealed record TraitorMessage(
    MessagePath Path,
    GeneralId Recipient,
    Order LoyalValue,
    int Generals,
    ImmutableArray<GeneralId> Traitors)
{
    public GeneralId Sender => Path.Sender;

    public bool IsTraitor(GeneralId general) => Traitors.Contains(general);
}
