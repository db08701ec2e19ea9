namespace Synod.Consensus.Generals;

/// <summary>
/// Decides what a traitor sends. The paper puts no limit on a traitor's messages (§1: traitors
/// "may do anything"), so the strategy is asked for every message a traitor sends, along every
/// path, to every recipient, and may answer any value or nothing at all. Traitors may collude, so
/// a strategy sees who the traitors are.
/// </summary>
public interface ITraitorStrategy
{
    /// <summary>A short name for reports, such as <c>split</c>.</summary>
    string Name { get; }

    /// <summary>
    /// The value the traitor <see cref="TraitorMessage.Sender"/> sends in <paramref name="message"/>,
    /// or null to send nothing (the recipient then uses RETREAT).
    /// </summary>
    Order? Choose(TraitorMessage message);
}
