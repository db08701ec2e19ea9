using System.Text;
using System.Text.Json;
using Synod.Grains.Interfaces.Pbft;

namespace Synod.Client;

/// <summary>
/// What the client knows of the cluster's directory (<c>GET /v1/directory</c>): the slot map and,
/// per group, the silos of its replicas with the leader's first. A key is sent first to the silo
/// leading its group — the request then needs no hop between silos — and, when that fails, to the
/// configured gateways as before. The map is refreshed every 30 seconds and after a miss.
/// </summary>
internal sealed class DirectoryRouter(GatewayFailover failover, TimeProvider time)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
    private volatile Snapshot? _snapshot;
    private long _fetchedAt;
    private int _fetching;

    /// <summary>
    /// The silos of <paramref name="key"/>'s group, its leader's first, and the number of that group
    /// in the map, which write sessions are kept by (a session is opened in one group, so it serves
    /// that group's keys); empty and -1 when the map is not known (yet).
    /// </summary>
    public async ValueTask<(IReadOnlyList<Uri> Gateways, int Group)> RouteAsync(string key, CancellationToken cancellationToken)
    {
        Snapshot? snapshot = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        if (snapshot is null || snapshot.SlotGroups.Length == 0)
        {
            return ([], -1);
        }

        int group = snapshot.SlotGroups[(int)(Slot(key) % (uint)snapshot.SlotGroups.Length)];
        return (group < snapshot.Gateways.Length ? snapshot.Gateways[group] : [], group);
    }

    /// <summary>
    /// The PBFT group <paramref name="key"/> belongs to (<see cref="PbftKeyNamespace"/>), with its
    /// replicas' silos in replica order, or null when the key is a Raft group's (or the map is not
    /// known yet: the gateway then answers <c>pbft_group</c> for a PBFT key, and the client asks again).
    /// </summary>
    public async ValueTask<PbftRoute?> PbftRouteAsync(string key, CancellationToken cancellationToken)
    {
        if (PbftKeyNamespace.CandidateGroup(key) is null)
        {
            return null;
        }

        return (await CurrentAsync(cancellationToken).ConfigureAwait(false))?.PbftRouteOf(key);
    }

    private async ValueTask<Snapshot?> CurrentAsync(CancellationToken cancellationToken)
    {
        Snapshot? snapshot = _snapshot;
        if ((snapshot is null || time.GetElapsedTime(Interlocked.Read(ref _fetchedAt)) > MaxAge) && Interlocked.Exchange(ref _fetching, 1) == 0)
        {
            try
            {
                snapshot = await FetchAsync(cancellationToken).ConfigureAwait(false) ?? snapshot;
            }
            finally
            {
                Volatile.Write(ref _fetching, 0);
            }
        }

        return snapshot;
    }

    /// <summary>Forgets the map, so the next request fetches it again (its leader moved, or a silo went away).</summary>
    public void Invalidate() => Interlocked.Exchange(ref _fetchedAt, 0);

    /// <summary>The key's slot: FNV-1a of its UTF-8 bytes over 16,384 slots, as the silos compute it.</summary>
    internal static uint Slot(string key)
    {
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(key))
        {
            hash = (hash ^ b) * 16777619;
        }

        return hash % 16_384;
    }

    private async Task<Snapshot?> FetchAsync(CancellationToken cancellationToken)
    {
        try
        {
            using HttpResponseMessage response = await failover.SendAsync(
                "directory", gateway => new HttpRequestMessage(HttpMethod.Get, new Uri(gateway, "v1/directory")), cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                // A silo without the directory endpoint: route through the gateways as configured.
                return null;
            }

            using JsonDocument document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
            Snapshot snapshot = Snapshot.Parse(document.RootElement);
            _snapshot = snapshot;
            Interlocked.Exchange(ref _fetchedAt, time.GetTimestamp());
            return snapshot;
        }
        catch (Exception error) when (error is SynodException or JsonException or KeyNotFoundException or InvalidOperationException or UriFormatException or HttpRequestException)
        {
            // No map this time: requests go through the configured gateways, which route by the
            // directory themselves; the map is fetched again on a later request.
            return null;
        }
    }

    /// <summary>
    /// One reading of <c>GET /v1/directory</c>: per slot the index of its group; per group its
    /// silos (a Raft group's leader first; a PBFT group's in replica order) and the PBFT groups by name.
    /// </summary>
    internal sealed record Snapshot(int[] SlotGroups, Uri[][] Gateways, IReadOnlyDictionary<string, Uri[]> PbftGroups)
    {
        /// <summary>Reads the directory's JSON; a group without <c>protocol</c> is a Raft group (silos before PBFT routing).</summary>
        public static Snapshot Parse(JsonElement root)
        {
            JsonElement[] groups = [.. root.GetProperty("groups").EnumerateArray()];
            Uri[][] gateways = [.. groups.Select(g => g.GetProperty("gateways").EnumerateArray().Select(u => new Uri(u.GetString()!)).ToArray())];
            var pbft = new Dictionary<string, Uri[]>(StringComparer.Ordinal);
            for (int i = 0; i < groups.Length; i++)
            {
                if (groups[i].TryGetProperty("protocol", out JsonElement protocol) && protocol.GetString() == "pbft")
                {
                    pbft[groups[i].GetProperty("group").GetString()!] = gateways[i];
                }
            }

            return new Snapshot([.. root.GetProperty("slotGroups").EnumerateArray().Select(e => e.GetInt32())], gateways, pbft);
        }

        /// <summary>The PBFT group of <paramref name="key"/>, or null when its namespace names no PBFT group of this directory.</summary>
        public PbftRoute? PbftRouteOf(string key) =>
            PbftKeyNamespace.CandidateGroup(key) is { } group && PbftGroups.TryGetValue(group, out Uri[]? replicas) ? new PbftRoute(group, replicas) : null;
    }
}
