using System.Net.Http.Json;
using System.Text.Json;

namespace Synod.Dashboard.Tests;

/// <summary>Three silo processes on loopback with four key-value groups, shared by the dashboard tests.</summary>
public sealed class DashboardCluster : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "synod-dashboard-" + Guid.NewGuid().ToString("N"));
    private readonly List<SiloProcess> _silos = [];

    internal ClusterPorts Ports { get; } = new();

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    public string Url(int silo, string path) => Ports.Http(silo) + path;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_data);
        foreach (int id in new[] { 1, 2, 3 })
        {
            _silos.Add(await SiloProcess.StartAsync(id, Ports, _data, "dashboard-test-cluster-key-0123456789"));
        }

        // Up means: the directory is read from the meta group and every group has a leader.
        await EventuallyAsync(async () =>
        {
            using JsonDocument groups = await GetJsonAsync(1, "/v1/groups");
            return groups.RootElement.GetProperty("fromMetaGroup").GetBoolean();
        }, "the directory from the meta group");
    }

    /// <summary>SIGKILLs silo <paramref name="id"/>.</summary>
    public void Kill(int id)
    {
        _silos.Single(s => s.Id == id).Kill();
        _killed.Add(id);
    }

    /// <summary>The silos not killed.</summary>
    public IReadOnlyList<int> Alive => [.. new[] { 1, 2, 3 }.Except(_killed)];

    private readonly List<int> _killed = [];

    public async Task<JsonDocument> GetJsonAsync(int silo, string path) =>
        JsonDocument.Parse(await Http.GetStringAsync(new Uri(Url(silo, path))));

    public async Task<DashboardStatsView> StatsAsync(int silo) =>
        (await Http.GetFromJsonAsync<DashboardStatsView>(new Uri(Url(silo, "/dashboard/api/stats")), new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;

    /// <summary>The groups the directory names, and the meta group.</summary>
    public async Task<IReadOnlyList<string>> GroupNamesAsync()
    {
        using JsonDocument groups = await GetJsonAsync(1, "/v1/groups");
        return ["meta", .. groups.RootElement.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("group").GetString()!)];
    }

    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not reached within {seconds} s: {what}");
            }

            await Task.Delay(200);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (SiloProcess silo in _silos)
        {
            await silo.DisposeAsync();
        }

        Http.Dispose();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying process: the temp directory is cleaned up later.
        }
    }
}

/// <summary>The silo's <c>/dashboard/api/stats</c>.</summary>
public sealed record DashboardStatsView(long Collections, long LocalReports, int Clients, bool Collecting, bool BoardWatched, long CollectionMicros, long LocalReportMicros);
