using System.Net;
using System.Text.Json;
using Synod.Silo.Tests.Harness;

namespace Synod.Silo.Tests;

/// <summary>Writes under the client's own Synod-Request-Id against a real three-silo cluster: one commit each, exactly once, no silent re-registration.</summary>
[Collection(InProcessClusterCollection.Name)]
public sealed class RequestIdSessionTests
{
    [Fact]
    public async Task Request_one_opens_its_session_in_one_entry_retries_are_not_applied_again_and_unknown_sessions_are_refused()
    {
        // Proves (1) a new client's first write takes one log entry, not a registration plus the write;
        // (2) a retry of it through another silo after a later write is answered without being applied;
        // (3) a request numbered above 1 for a session the group never opened is 409 session_expired and changes nothing.
        await using InProcessCluster cluster = await InProcessCluster.StartAsync();
        using var http = new HttpClient();
        Uri one = new(cluster.Silos[0].HttpEndpoint);
        Uri two = new(cluster.Silos[1].HttpEndpoint);

        ulong first = await PutAsync(http, one, "alpha-session:1", "a");
        ulong second = await PutAsync(http, one, "beta-session:1", "b");
        Assert.Equal(first + 1, second);
        Assert.Equal(second + 1, await PutAsync(http, one, "beta-session:2", "b2"));

        await PutAsync(http, two, "alpha-session:1", "a");
        Assert.Equal("b2", await http.GetStringAsync(new Uri(one, "/v1/kv/k")));

        using HttpResponseMessage ghost = await SendAsync(http, two, "ghost-session:7", "g");
        Assert.Equal(HttpStatusCode.Conflict, ghost.StatusCode);
        using JsonDocument error = JsonDocument.Parse(await ghost.Content.ReadAsStringAsync());
        Assert.Equal("session_expired", error.RootElement.GetProperty("code").GetString());
        Assert.Equal("b2", await http.GetStringAsync(new Uri(one, "/v1/kv/k")));
    }

    private static async Task<ulong> PutAsync(HttpClient http, Uri gateway, string requestId, string value)
    {
        using HttpResponseMessage response = await SendAsync(http, gateway, requestId, value);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{requestId}: {(int)response.StatusCode} {body}");
        using JsonDocument written = JsonDocument.Parse(body);
        return written.RootElement.GetProperty("index").GetUInt64();
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, Uri gateway, string requestId, string value)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, new Uri(gateway, "/v1/kv/k")) { Content = new StringContent(value) };
        request.Headers.Add("Synod-Request-Id", requestId);
        return http.SendAsync(request);
    }
}
