namespace Synod.Dashboard.Tests;

/// <summary>The dashboard collects nothing while no one watches, and collects while an event stream is open.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardCostTests(DashboardCluster cluster)
{
    /// <summary>
    /// Proves that with no event-stream client no silo runs a collection or serves a report and no
    /// replica refreshes its snapshot (the counters stay flat for three seconds), that an open
    /// stream makes them move on its own silo and on a peer, and that they stop again once it closes.
    /// </summary>
    [Fact]
    public async Task CollectsOnlyWhileAnEventStreamIsOpen()
    {
        await AssertIdleAsync();

        // Silo 1 serves the page in every test; another live silo is the peer it polls.
        int peer = cluster.Alive.First(s => s != 1);
        DashboardStatsView before1 = await cluster.StatsAsync(1);
        DashboardStatsView before2 = await cluster.StatsAsync(peer);
        using (var stream = new HttpRequestMessage(HttpMethod.Get, cluster.Url(1, "/dashboard/events")))
        using (HttpResponseMessage response = await cluster.Http.SendAsync(stream, HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            int events = 0;
            while (events < 2 && await reader.ReadLineAsync() is { } line)
            {
                if (line == "event: overview")
                {
                    events++;
                }
            }

            Assert.Equal(2, events);
            DashboardStatsView open1 = await cluster.StatsAsync(1);
            Assert.True(open1.Collecting);
            Assert.Equal(1, open1.Clients);
            Assert.True(open1.Collections >= before1.Collections + 2, $"collections {before1.Collections} -> {open1.Collections}");
            Assert.True((await cluster.StatsAsync(peer)).LocalReports >= before2.LocalReports + 2);
        }

        await AssertIdleAsync();
    }

    private async Task AssertIdleAsync()
    {
        // The loop ends within one interval of the last client leaving; a peer's watch lease in three seconds.
        await DashboardCluster.EventuallyAsync(async () =>
        {
            foreach (int silo in cluster.Alive)
            {
                DashboardStatsView stats = await cluster.StatsAsync(silo);
                if (stats.Collecting || stats.Clients != 0 || stats.BoardWatched)
                {
                    return false;
                }
            }

            return true;
        }, "no silo collecting or watched");
        DashboardStatsView[] first = [.. await Task.WhenAll(cluster.Alive.Select(cluster.StatsAsync))];
        await Task.Delay(TimeSpan.FromSeconds(3));
        DashboardStatsView[] second = [.. await Task.WhenAll(cluster.Alive.Select(cluster.StatsAsync))];
        for (int i = 0; i < first.Length; i++)
        {
            Assert.Equal(first[i].Collections, second[i].Collections);
            Assert.Equal(first[i].LocalReports, second[i].LocalReports);
            Assert.False(second[i].BoardWatched);
        }
    }
}
