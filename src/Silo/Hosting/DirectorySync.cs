using System.Net.Http.Headers;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Synod.Grains.Interfaces.Wire;
using Synod.Silo.Gateway;

namespace Synod.Silo.Hosting;

/// <summary>
/// Keeps a silo routing by the newest cluster directory. First it reads the directory through the
/// meta group, bootstrapping it with the configured layout when the cluster is new (the first
/// bootstrap committed wins); a silo the cluster does not know yet announces itself to the meta
/// silos over HTTP (proving the cluster key), since no silo dials an unknown peer. Then, every
/// <see cref="PollInterval"/>, it records this silo's endpoints and labels when the directory's
/// differ, and hands every newer directory to the host.
/// </summary>
internal sealed class DirectorySync(
    GrainKeyValueGateway gateway,
    LayoutHolder layout,
    SiloRecord self,
    IReadOnlyList<SiloRecord> configured,
    string clusterKey,
    Action<ClusterDirectory> adopt,
    ILogger logger)
{
    /// <summary>How often the directory is read after it was adopted.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await AdoptFirstAsync(cancellationToken).ConfigureAwait(false);
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!Recorded(layout.Current.Directory))
            {
                await gateway.ProposeAsync(ClusterLayout.MetaGroup, new DirectoryCommand { AddSilo = new AddSilo { Silo = self } }.ToByteArray(), cancellationToken).ConfigureAwait(false);
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            if (await ReadAsync(cancellationToken).ConfigureAwait(false) is { } directory && directory.Version > layout.Current.Directory.Version)
            {
                SiloHostLog.DirectoryChanged(logger, self.Id, directory.Version, directory.Groups.Count, directory.Silos.Count);
                adopt(directory);
            }
        }
    }

    private async Task AdoptFirstAsync(CancellationToken cancellationToken)
    {
        byte[] bootstrap = new DirectoryCommand { Bootstrap = layout.Current.Directory }.ToByteArray();
        bool metaSilo = layout.Current.Group(ClusterLayout.MetaGroup).Replicas.Any(r => r.Silo == self.Id);
        while (!cancellationToken.IsCancellationRequested)
        {
            ReplicaAnswer? answer = await gateway.ReadGroupAsync(ClusterLayout.MetaGroup, [], cancellationToken).ConfigureAwait(false);
            ClusterDirectory? directory = answer is { Status: ReplicaAnswer.Types.Status.Ok } ? DirectoryResult.Parser.ParseFrom(answer.Result).Directory : null;
            if (answer is { Status: ReplicaAnswer.Types.Status.Ok } && directory is null)
            {
                ReplicaAnswer? proposed = await gateway.ProposeAsync(ClusterLayout.MetaGroup, bootstrap, cancellationToken).ConfigureAwait(false);
                directory = proposed is { Status: ReplicaAnswer.Types.Status.Ok } ? DirectoryResult.Parser.ParseFrom(proposed.Result).Directory : null;
            }

            if (directory is not null)
            {
                adopt(directory);
                layout.FromDirectory = true;
                return;
            }

            if (!metaSilo)
            {
                await AnnounceAsync(cancellationToken).ConfigureAwait(false);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Asks the meta silos (over HTTP) to record this silo, so that they add it as a peer.</summary>
    private async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        byte[] body = System.Text.Encoding.UTF8.GetBytes(JsonFormatter.Default.Format(self));
        foreach (SiloRecord seed in configured.Where(s => layout.Current.Group(ClusterLayout.MetaGroup).Replicas.Any(r => r.Silo == s.Id)))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(seed.HttpEndpoint), "/v1/silos"));
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add(ClusterProof.Header, ClusterProof.Compute(clusterKey, body));
            try
            {
                using HttpResponseMessage response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    SiloHostLog.Announced(logger, self.Id, seed.Id);
                    return;
                }

                SiloHostLog.AnnounceRefused(logger, self.Id, seed.Id, (int)response.StatusCode);
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // That seed is down or slow; the next one (or the next round) is tried.
                SiloHostLog.AnnounceFailed(logger, self.Id, seed.Id, error.Message);
            }
        }
    }

    // A stale read at the meta leader: a poll only adopts a newer version, so an older answer is
    // harmless, and it does not keep the idle meta group awake.
    private async Task<ClusterDirectory?> ReadAsync(CancellationToken cancellationToken)
    {
        ReplicaAnswer? answer = await gateway.ReadGroupAsync(ClusterLayout.MetaGroup, [], cancellationToken, stale: true).ConfigureAwait(false);
        return answer is { Status: ReplicaAnswer.Types.Status.Ok } ? DirectoryResult.Parser.ParseFrom(answer.Result).Directory : null;
    }

    private bool Recorded(ClusterDirectory directory) =>
        directory.Silos.FirstOrDefault(s => s.Id == self.Id) is { } record
        && record.TransportEndpoint == self.TransportEndpoint
        && record.HttpEndpoint == self.HttpEndpoint
        && record.Labels.Count == self.Labels.Count
        && self.Labels.All(l => record.Labels.TryGetValue(l.Key, out string? value) && value == l.Value);
}
