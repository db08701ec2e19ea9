using System.Net;
using Synod.Silo.Hosting;
using Synod.Silo.Tests.Harness;

namespace Synod.Silo.Tests;

/// <summary>The fault-injection endpoint of Synod:Testing:FaultInjection, which the chaos runner cuts links with.</summary>
[Collection(InProcessClusterCollection.Name)]
public sealed class TestingEndpointTests
{
    [Fact]
    public async Task Without_the_switch_the_link_endpoint_does_not_exist()
    {
        // Proves fault injection is off by default: a silo configured normally answers 404 to GET and POST /v1/testing/links, so nobody can cut its links.
        await using InProcessCluster cluster = await InProcessCluster.StartAsync();
        using var http = new HttpClient();
        Uri links = new(new Uri(cluster.Silos[0].HttpEndpoint), "/v1/testing/links?drop=2");
        using HttpResponseMessage post = await http.PostAsync(links, null);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        using HttpResponseMessage get = await http.GetAsync(links);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task With_the_switch_links_are_cut_one_way_and_healed_and_writes_resume()
    {
        // Proves the endpoint: silo 1 set to drop silos 2 and 3 lists them, refuses its own id, heals on an empty list, and the cluster takes writes afterwards.
        await using InProcessCluster cluster = await InProcessCluster.StartAsync(testing: new SiloTestingOptions { FaultInjection = true });
        using var http = new HttpClient();
        var silo1 = new Uri(cluster.Silos[0].HttpEndpoint);
        using (HttpResponseMessage cut = await http.PostAsync(new Uri(silo1, "/v1/testing/links?drop=3,2"), null))
        {
            Assert.Equal(HttpStatusCode.OK, cut.StatusCode);
            Assert.Equal("2,3", await cut.Content.ReadAsStringAsync());
        }

        Assert.Equal("2,3", await http.GetStringAsync(new Uri(silo1, "/v1/testing/links")));
        using (HttpResponseMessage self = await http.PostAsync(new Uri(silo1, "/v1/testing/links?drop=1"), null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);
        }

        using (HttpResponseMessage heal = await http.PostAsync(new Uri(silo1, "/v1/testing/links?drop="), null))
        {
            Assert.Equal(HttpStatusCode.OK, heal.StatusCode);
        }

        Assert.Equal("", await http.GetStringAsync(new Uri(silo1, "/v1/testing/links")));
        using var client = new Synod.Client.SynodClient(new Synod.Client.SynodClientOptions { Gateways = { silo1 } });
        await client.PutAsync("after-heal", "1");
        Assert.Equal("1", await client.GetStringAsync("after-heal"));
    }
}
