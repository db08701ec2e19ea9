using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;
using Synod.Silo.Dashboard;
using Synod.Silo.Hosting;
using Synod.Silo.Tests.Harness;

namespace Synod.Silo.Tests;

/// <summary>
/// A partial partition: one follower's silo and the leader's silo cannot reach each other, while
/// both still reach the third. The group keeps its leader and writes through the cut-off silo's
/// own gateway keep succeeding, relayed through the third silo (issue 8).
/// </summary>
[Collection(InProcessClusterCollection.Name)]
public sealed class PartialPartitionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Writes_through_a_silo_cut_off_from_the_leader_are_relayed_and_the_leader_stays()
    {
        // Proves the gateway's relay: with the link between the leader's silo and a follower's silo
        // cut both ways (the transport's fault hook drops their messages), every write sent to the
        // cut-off silo's HTTP gateway succeeds during 8 s (in at least all but the first one-second
        // window), its calls went through the third silo, the leader did not change and the term did
        // not grow; and every write is readable afterwards. Without the relay such writes time out
        // with 503 (an etcd 3.4 member cut off this way serves none).
        using var faults = new DevClusterControl(options => new SiloHost(options, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));
        await using InProcessCluster cluster = await InProcessCluster.StartAsync(faults);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        Assert.True(await PutAsync(http, cluster.Silos[0], "warm", "0"));

        // Start once the first election has settled: the same leader and term for a second.
        SiloHost leader = await cluster.SettledLeaderSiloAsync("kv-0");
        long term = cluster.Replicas("kv-0").Max(r => r.Term);
        for (var settled = Stopwatch.StartNew(); settled.Elapsed < TimeSpan.FromSeconds(1); await Task.Delay(50))
        {
            SiloHost now = await cluster.LeaderSiloAsync("kv-0");
            long nowTerm = cluster.Replicas("kv-0").Max(r => r.Term);
            if (now != leader || nowTerm != term)
            {
                (leader, term) = (now, nowTerm);
                settled.Restart();
            }
        }

        SiloHost cutOff = cluster.Silos.First(s => s != leader);

        faults.LinksOf(leader.Id).Set(cutOff.Id, cut: true);
        faults.LinksOf(cutOff.Id).Set(leader.Id, cut: true);
        var clock = Stopwatch.StartNew();
        var windows = new Dictionary<long, (int Ok, int Failed)>();
        var written = new List<string>();
        int i = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(8))
        {
            string key = string.Create(CultureInfo.InvariantCulture, $"pp-{i++}");
            bool ok = await PutAsync(http, cutOff, key, key);
            long window = (long)clock.Elapsed.TotalSeconds;
            (int good, int bad) = windows.GetValueOrDefault(window);
            windows[window] = ok ? (good + 1, bad) : (good, bad + 1);
            if (ok)
            {
                written.Add(key);
            }
        }

        // The first write may spend an attempt (2 s) finding that the leader's silo is unreachable;
        // after that every window must hold successes only.
        string shape = string.Join(", ", windows.OrderBy(w => w.Key).Select(w => $"{w.Key}s: {w.Value.Ok} ok/{w.Value.Failed} failed"));
        output.WriteLine(shape);
        Assert.All(windows.Where(w => w.Key > 2), w => Assert.True(w.Value.Failed == 0 && w.Value.Ok > 0, shape));
        SiloHost leaderAfter = await cluster.LeaderSiloAsync("kv-0");
        long termAfter = cluster.Replicas("kv-0").Max(r => r.Term);
        string state = $"leader silo {leader.Id} -> {leaderAfter.Id}, term {term} -> {termAfter}, cut-off silo {cutOff.Id} relayed {cutOff.RelayedCalls}";
        output.WriteLine(state);
        Assert.True(leaderAfter == leader && termAfter == term, state);
        Assert.True(cutOff.RelayedCalls > 0, state);

        faults.LinksOf(leader.Id).Set(cutOff.Id, cut: false);
        faults.LinksOf(cutOff.Id).Set(leader.Id, cut: false);
        foreach (string key in written)
        {
            Assert.Equal(key, await http.GetStringAsync(new Uri(new Uri(leader.HttpEndpoint), $"/v1/kv/{key}")));
        }
    }

    private static async Task<bool> PutAsync(HttpClient http, SiloHost silo, string key, string value)
    {
        using HttpResponseMessage response = await http.PutAsync(new Uri(new Uri(silo.HttpEndpoint), $"/v1/kv/{key}"), new StringContent(value));
        return response.IsSuccessStatusCode;
    }
}
