namespace Synod.Grains.Interfaces;

/// <summary>
/// A grain told when another silo stops or resumes answering the silo transport's heartbeats: a
/// consensus replica whose peers went quiet learns this way that a peer's silo died (issue 6). The
/// runtime queues the call as an ordinary turn of every live activation that implements it.
/// </summary>
public interface IPeerSiloObserver
{
    /// <summary>Silo <paramref name="silo"/> went down (<paramref name="isUp"/> false) or came back up.</summary>
    Task OnPeerSiloChangedAsync(int silo, bool isUp, CancellationToken cancellationToken);
}
