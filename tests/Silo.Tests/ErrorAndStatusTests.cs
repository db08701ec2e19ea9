using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Synod.Silo.Tests.Harness;

namespace Synod.Silo.Tests;

public sealed class ErrorAndStatusTests
{
    [Fact]
    public async Task Status_is_the_gateways_cluster_status_in_camel_case_json()
    {
        // Proves GET /v1/status serializes ClusterStatus with the documented field names.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);

        using var response = await server.Http.GetAsync("v1/status");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal("1", body.GetProperty("silo").GetString());
        var silo = body.GetProperty("silos")[1];
        Assert.Equal(("2", "http://127.0.0.1:8082", false), (silo.GetProperty("id").GetString(), silo.GetProperty("httpAddress").GetString(), silo.GetProperty("up").GetBoolean()));
        var group = body.GetProperty("groups")[0];
        Assert.Equal(("kv-0", "raft"), (group.GetProperty("group").GetString(), group.GetProperty("protocol").GetString()));
        var leader = group.GetProperty("replicas")[0];
        Assert.Equal(
            (1UL, "1", "leader", 3UL, 1UL, 42UL, 41UL),
            (leader.GetProperty("replica").GetUInt64(), leader.GetProperty("silo").GetString(), leader.GetProperty("role").GetString(),
             leader.GetProperty("term").GetUInt64(), leader.GetProperty("leader").GetUInt64(), leader.GetProperty("commitIndex").GetUInt64(),
             leader.GetProperty("appliedIndex").GetUInt64()));
    }

    [Theory]
    [InlineData("get")]
    [InlineData("status")]
    public async Task An_unexpected_gateway_exception_is_a_bare_500_and_is_logged(string endpoint)
    {
        // Proves an exception escaping the gateway becomes 500 {"code":"internal"} with no exception text, type or stack, and is logged with the exception.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);
        gateway.ThrowNext(new InvalidOperationException("secret detail from deep inside"));

        using var response = await server.Http.GetAsync(endpoint == "get" ? "v1/kv/a" : "v1/status");
        var text = await response.Content.ReadAsStringAsync();
        await Json.AssertErrorAsync(response, HttpStatusCode.InternalServerError, "internal");
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
        var logged = Assert.Single(server.Logs.Entries, e => e.Id.Id == 7101);
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Equal("secret detail from deep inside", logged.Exception?.Message);
    }

    [Fact]
    public async Task The_silo_keeps_serving_after_a_500()
    {
        // Proves a failed request leaves the API working: the next request on the same server succeeds.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);
        gateway.ThrowNext(new InvalidOperationException("boom"));
        (await server.Http.PutAsync("v1/kv/a", new StringContent("1"))).Dispose();

        using var response = await server.Http.PutAsync("v1/kv/a", new StringContent("2"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Refusals_are_logged_at_debug_with_their_reason()
    {
        // Proves a 4xx is logged (event 7102) so an operator can see why requests are refused.
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway());

        (await server.Http.GetAsync("v1/kv/" + new string('k', 1025))).Dispose();
        var entry = Assert.Single(server.Logs.Entries, e => e.Id.Id == 7102);
        Assert.Equal(LogLevel.Debug, entry.Level);
        Assert.Contains("key_too_large", entry.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", "/v1/kv/a", 405, "method_not_allowed", "GET, PUT, DELETE")]
    [InlineData("PUT", "/v1/kv/a/cas", 405, "method_not_allowed", "POST")]
    [InlineData("DELETE", "/v1/status", 405, "method_not_allowed", "GET")]
    [InlineData("GET", "/v1/kv/", 400, "key_empty", null)]
    [InlineData("GET", "/v1/nothing/here", 404, "no_route", null)]
    [InlineData("GET", "/v1/kv/a/../b", 400, "key_invalid", null)]
    [InlineData("GET", "/v1/kv/%ZZ", 400, "key_invalid", null)]
    [InlineData("GET", "/v1/kv/%C3%28", 400, "key_invalid", null)]
    public async Task Paths_and_methods_outside_the_api_get_json_errors(string method, string target, int status, string code, string? allow)
    {
        // Proves wrong methods, empty keys, unknown paths, dot segments and bad encodings all answer in the API's JSON.
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway());

        var head = RawHttp.Head(method, Encoding.ASCII.GetBytes(target), server.HostPort, method is "POST" or "PUT" ? "Content-Length: 0\r\n" : "");
        var (actual, body) = await RawHttp.SendAsync(server.BaseAddress, head);
        Assert.Equal(status, actual);
        Assert.Contains($"\"code\":\"{code}\"", body, StringComparison.Ordinal);
        if (allow is not null)
        {
            using var response = await server.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), target.TrimStart('/')));
            Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow));
        }
    }

    [Fact]
    public async Task Routing_ignores_case_so_the_key_check_does_too()
    {
        // Proves /V1/KV/{key} reaches the same key as /v1/kv/{key}, as ASP.NET Core routing matches it.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);
        (await server.Http.PutAsync("v1/kv/Key", new StringContent("v"))).Dispose();

        using var response = await server.Http.GetAsync("V1/KV/Key");
        Assert.Equal("v", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_body_that_ends_early_is_a_refusal_not_a_failure()
    {
        // Proves a client that sends less than its Content-Length and hangs up is at most a logged refusal (7102), never a 500 failure (7101).
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);

        var head = RawHttp.Head("PUT", Encoding.ASCII.GetBytes("/v1/kv/a"), server.HostPort, "Content-Length: 10\r\n");
        try
        {
            await RawHttp.SendAsync(server.BaseAddress, head, Encoding.ASCII.GetBytes("12345"), endRequest: true);
        }
        catch (IOException)
        {
            // Expected: Kestrel resets a connection whose client stopped sending mid-body, so no answer arrives.
        }

        // Depending on whether Kestrel sees the hang-up before the body read fails, the request ends as a
        // refusal or as "the caller went away" (not logged); hosting logs "Request finished" either way.
        await WaitForAsync(() => server.Logs.Entries.FirstOrDefault(e => e.Message.StartsWith("Request finished", StringComparison.Ordinal)));
        Assert.DoesNotContain(server.Logs.Entries, e => e.Id.Id == 7101);
        Assert.All(server.Logs.Entries.Where(e => e.Id.Id == 7102), e => Assert.Contains("400 body_invalid", e.Message, StringComparison.Ordinal));
        Assert.Empty(gateway.Calls);
    }

    [Fact]
    public async Task Kestrels_bad_request_errors_keep_their_status_as_json()
    {
        // Proves a BadHttpRequestException (how Kestrel reports a broken body) becomes its own status with code body_invalid, not a 500.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);
        gateway.ThrowNext(new Microsoft.AspNetCore.Http.BadHttpRequestException("Request body too large.", 413));

        using var response = await server.Http.GetAsync("v1/kv/a");
        var body = await Json.AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "body_invalid");
        Assert.Equal("the request body could not be read: Request body too large.", body.GetProperty("error").GetString());
        Assert.DoesNotContain(server.Logs.Entries, e => e.Id.Id == 7101);
    }

    [Fact]
    public async Task A_repeated_field_in_a_compare_and_set_body_is_refused()
    {
        // Proves {"expectedText": "a", "expectedText": "b"} is a 400, not silently the last value.
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway());

        using var response = await server.Http.PostAsync("v1/kv/k/cas", new StringContent("""{"expectedText": "a", "expectedText": "b", "valueText": "v"}"""));
        await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "body_invalid");
    }

    // The server logs after the connection is gone, so the test polls, with a generous bound, for the line.
    private static async Task<T> WaitForAsync<T>(Func<T> probe)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(10); ; await Task.Delay(10))
        {
            var value = probe();
            if (!EqualityComparer<T>.Default.Equals(value, default) || DateTime.UtcNow > deadline)
            {
                return value;
            }
        }
    }
}
