using Google.Protobuf;
using Synod.Grains.Interfaces.Wire;
using Synod.Silo.Hosting;

namespace Synod.Silo.Gateway;

/// <summary>
/// The cluster's administration as a silo serves it: the directory it routes by, and changes to it
/// proposed to the meta group (group creation, moves, drains, joins). A change's resulting
/// directory is adopted at once, so the caller's next read through this silo sees it.
/// </summary>
internal sealed class ClusterAdmin(GrainKeyValueGateway gateway, LayoutHolder layout, string clusterKey, Action<ClusterDirectory> adopt, Func<int, bool> siloUp)
{
    /// <summary>The layout this silo routes by.</summary>
    public ClusterLayout Layout => layout.Current;

    /// <summary>Whether this silo's layout comes from the meta group yet.</summary>
    public bool FromDirectory => layout.FromDirectory;

    /// <summary>The replica of <paramref name="group"/> this silo last found leading, or null.</summary>
    public ulong? KnownLeader(string group) => gateway.KnownLeader(group);

    /// <summary>Whether silo <paramref name="silo"/> is this one or answers its heartbeats.</summary>
    public bool IsUp(int silo) => siloUp(silo);

    /// <summary>Whether <paramref name="proof"/> shows the body was sent by a holder of the cluster key.</summary>
    public bool Verify(ReadOnlySpan<byte> body, string? proof) => ClusterProof.Verify(clusterKey, body, proof);

    /// <summary>Proposes a change to the meta group; null when it did not answer in time.</summary>
    public async Task<DirectoryResult?> ChangeAsync(DirectoryCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ReplicaAnswer? answer = await gateway.ProposeAsync(ClusterLayout.MetaGroup, command.ToByteArray(), cancellationToken).ConfigureAwait(false);
        if (answer is not { Status: ReplicaAnswer.Types.Status.Ok })
        {
            return null;
        }

        DirectoryResult result = DirectoryResult.Parser.ParseFrom(answer.Result);
        if (result.Directory is { } directory)
        {
            adopt(directory);
        }

        return result;
    }
}
