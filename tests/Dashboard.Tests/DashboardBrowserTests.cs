using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Synod.Dashboard.Tests;

/// <summary>The dashboard in headless Chromium against three silo processes.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardBrowserTests(DashboardCluster cluster, ITestOutputHelper output)
{
    private static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "TestResults", "dashboard");

    /// <summary>
    /// Proves the page lists every silo (up) and every group of the directory with a leader, charts
    /// the writes sent through a gateway, and,
    /// without a reload, shows the silo down and the group led elsewhere after the SIGKILL of the
    /// silo leading one of its groups; the group's page then shows the election on its timeline.
    /// </summary>
    [Fact]
    public async Task ShowsEverySiloAndGroupAndFollowsALeaderChange()
    {
        IReadOnlyList<string> groups = await cluster.GroupNamesAsync();
        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        await page.GotoAsync(cluster.Url(1, "/dashboard"));

        await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-silo][data-up=true]').length === 3", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        string names = JsonSerializer.Serialize(groups);
        await page.WaitForFunctionAsync(
            $"() => {names}.every(g => {{ const row = document.querySelector(`tr[data-group=\"${{g}}\"] td[data-col=leader]`); return row && row.dataset.leaderSilo !== ''; }})",
            null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        Assert.Equal(groups.Count, await page.Locator("#groups-table tbody tr").CountAsync());

        // Writes through silo 1's gateway appear on the throughput chart (its latency histogram).
        for (int i = 0; i < 40; i++)
        {
            using var value = new StringContent(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            (await cluster.Http.PutAsync(new Uri(cluster.Url(1, $"/v1/kv/dashboard-{i}")), value)).EnsureSuccessStatusCode();
        }

        await page.WaitForFunctionAsync("() => charts.throughput.data.datasets[0].data.some(v => v > 0)", null, new PageWaitForFunctionOptions { Timeout = 10_000 });
        await ShotAsync(page, "1-all-up.png");

        // A key-value group led by silo 2 or 3, so the page's own silo survives the kill.
        (string group, int leader) = await LedAwayFromSilo1Async(page, groups);
        cluster.Kill(leader);
        output.WriteLine($"killed silo {leader}, leader of {group}");

        await page.WaitForFunctionAsync($"() => document.querySelector('[data-silo=\"{leader}\"]').dataset.up === 'false'", null, new PageWaitForFunctionOptions { Timeout = 20_000 });
        await page.WaitForFunctionAsync(
            $"() => {{ const cell = document.querySelector('tr[data-group=\"{group}\"] td[data-col=leader]'); return cell && cell.dataset.leaderSilo !== '' && cell.dataset.leaderSilo !== '{leader}'; }}",
            null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        await ShotAsync(page, "2-after-kill.png");

        await page.GotoAsync(cluster.Url(1, $"/dashboard#group={group}"));
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#timeline li')].some(li => li.textContent.includes('became leader'))", null, new PageWaitForFunctionOptions { Timeout = 20_000 });
        Assert.Equal(3, await page.Locator("#replicas-table tbody tr").CountAsync());
        Assert.Contains("Unreachable", await page.Locator("#replicas-table").InnerTextAsync(), StringComparison.Ordinal);
        await ShotAsync(page, "3-group-page.png");
    }

    private static async Task<(string Group, int Leader)> LedAwayFromSilo1Async(IPage page, IReadOnlyList<string> groups)
    {
        foreach (string group in groups.Where(g => g.StartsWith("kv-", StringComparison.Ordinal)))
        {
            string? silo = await page.GetAttributeAsync($"tr[data-group=\"{group}\"] td[data-col=leader]", "data-leader-silo");
            if (silo is "2" or "3")
            {
                return (group, int.Parse(silo, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        throw new InvalidOperationException("no key-value group is led by silo 2 or 3");
    }

    private async Task ShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        string path = Path.Combine(Screenshots, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }
}
