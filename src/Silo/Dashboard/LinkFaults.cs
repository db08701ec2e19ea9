using System.Collections.Immutable;
using Synod.Runtime.Transport;

namespace Synod.Silo.Dashboard;

/// <summary>
/// The dev cluster's fault-injection hook on one silo's transport: messages from a cut peer are
/// dropped on arrival (the transport's own heartbeats still flow, so the peer stays up while the
/// protocols above see a partition). Cutting a link cuts it on both of its silos.
/// </summary>
public sealed class LinkFaults
{
    private ImmutableHashSet<int> _cut = [];

    /// <summary>Messages dropped because their link was cut.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    private long _dropped;

    /// <summary>Peers whose messages are dropped now.</summary>
    public IReadOnlySet<int> Cut => Volatile.Read(ref _cut);

    /// <summary>Drops <paramref name="peer"/>'s messages from now on (<paramref name="cut"/>) or delivers them again.</summary>
    public void Set(int peer, bool cut) =>
        ImmutableInterlocked.Update(ref _cut, set => cut ? set.Add(peer) : set.Remove(peer));

    /// <summary>Drops exactly <paramref name="peers"/>' messages from now on (empty: every link delivers).</summary>
    public void SetAll(IEnumerable<int> peers) => Volatile.Write(ref _cut, [.. peers]);

    /// <summary>Wraps the runtime's handler: a message from a cut peer is dropped and counted.</summary>
    public TransportMessageHandler Wrap(TransportMessageHandler inner) => (from, message, cancellationToken) =>
    {
        ImmutableHashSet<int> cut = Volatile.Read(ref _cut);
        if (cut.IsEmpty || !cut.Contains(from.Value))
        {
            return inner(from, message, cancellationToken);
        }

        Interlocked.Increment(ref _dropped);
        return ValueTask.CompletedTask;
    };
}
