namespace Synod.Silo.Dashboard;

/// <summary>The body of <c>POST /dashboard/api/faults</c> (dev cluster only).</summary>
/// <param name="Action"><c>stop</c>, <c>start</c>, <c>cut</c>, <c>heal</c> or <c>byzantine</c>.</param>
/// <param name="Silo">The silo to stop or start, one end of the link, or the silo whose PBFT replicas change.</param>
/// <param name="Peer">The other end of the link (cut, heal).</param>
/// <param name="Mode">Byzantine mode: <c>none</c>, <c>silent</c>, <c>corrupt-replies</c> or <c>equivocate</c>.</param>
public sealed record FaultRequest(string Action, int Silo, int Peer = 0, string? Mode = null);
