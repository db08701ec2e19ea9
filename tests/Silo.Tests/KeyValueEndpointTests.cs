using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Synod.Silo.Gateway;
using Synod.Silo.Tests.Harness;

namespace Synod.Silo.Tests;

public sealed class KeyValueEndpointTests
{
    [Fact]
    public async Task Put_then_get_returns_the_raw_bytes_as_octet_stream()
    {
        // Proves PUT stores the body as it is and GET hands back the same bytes with the write's index.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);
        byte[] value = [0, 1, 2, 255, 254];

        using var put = await server.Http.PutAsync("v1/kv/a", new ByteArrayContent(value));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(1UL, (await Json.ReadAsync(put)).GetProperty("index").GetUInt64());

        using var get = await server.Http.GetAsync("v1/kv/a");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("application/octet-stream", get.Content.Headers.ContentType?.MediaType);
        Assert.Equal(value, await get.Content.ReadAsByteArrayAsync());
        Assert.Equal("1", get.Headers.GetValues("Synod-Index").Single());
    }

    [Fact]
    public async Task Get_and_delete_of_an_absent_key_are_404_json()
    {
        // Proves an absent key is a 404 with code not_found for both GET and DELETE.
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway());

        using var get = await server.Http.GetAsync("v1/kv/missing");
        await Json.AssertErrorAsync(get, HttpStatusCode.NotFound, "not_found");
        using var delete = await server.Http.DeleteAsync("v1/kv/missing");
        await Json.AssertErrorAsync(delete, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Delete_removes_the_key_and_answers_its_index()
    {
        // Proves DELETE of a present key is 200 {"index"} and the key is gone afterwards.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);
        (await server.Http.PutAsync("v1/kv/a", new StringContent("1"))).Dispose();

        using var delete = await server.Http.DeleteAsync("v1/kv/a");
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.Equal(2UL, (await Json.ReadAsync(delete)).GetProperty("index").GetUInt64());
        Assert.Null(gateway.Peek("a"));
    }

    [Fact]
    public async Task An_empty_value_is_a_value()
    {
        // Proves an empty body stores an empty value, which GET returns as 200 with no bytes (not 404).
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway());
        (await server.Http.PutAsync("v1/kv/empty", new ByteArrayContent([]))).EnsureSuccessStatusCode().Dispose();

        using var get = await server.Http.GetAsync("v1/kv/empty");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Empty(await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Keys_are_one_percent_encoded_segment_decoded_exactly_once()
    {
        // Proves %2F is a '/' inside the key, %252F is the three characters "%2F", and UTF-8 keys survive.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);

        (await server.Http.PutAsync("v1/kv/users%2F42", new StringContent("slash"))).EnsureSuccessStatusCode().Dispose();
        (await server.Http.PutAsync("v1/kv/users%252F42", new StringContent("percent"))).EnsureSuccessStatusCode().Dispose();
        (await server.Http.PutAsync("v1/kv/" + Uri.EscapeDataString("ключ é+ ?#"), new StringContent("utf8"))).EnsureSuccessStatusCode().Dispose();

        Assert.Equal("slash", Encoding.UTF8.GetString(gateway.Peek("users/42")!));
        Assert.Equal("percent", Encoding.UTF8.GetString(gateway.Peek("users%2F42")!));
        Assert.Equal("utf8", Encoding.UTF8.GetString(gateway.Peek("ключ é+ ?#")!));
    }

    [Fact]
    public async Task A_request_id_reaches_the_gateway_on_writes()
    {
        // Proves a well-formed Synod-Request-Id is passed to the gateway unchanged for PUT, DELETE and CAS.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);

        await SendAsync(server, HttpMethod.Put, "v1/kv/a", "c1:1", new StringContent("x"));
        await SendAsync(server, HttpMethod.Post, "v1/kv/a/cas", "c1:2", new StringContent("""{"expectedText":"x","valueText":"y"}"""));
        await SendAsync(server, HttpMethod.Delete, "v1/kv/a", "c1:3", null);

        Assert.Equal(["c1:1", "c1:2", "c1:3"], gateway.Calls.Select(c => c.RequestId));
    }

    [Theory]
    [InlineData(KeyValueOutcomeKind.Unavailable, HttpStatusCode.ServiceUnavailable, "unavailable")]
    [InlineData(KeyValueOutcomeKind.ShuttingDown, HttpStatusCode.ServiceUnavailable, "shutting_down")]
    [InlineData(KeyValueOutcomeKind.BadRequest, HttpStatusCode.BadRequest, "bad_request")]
    public async Task Gateway_outcomes_map_to_status_codes(KeyValueOutcomeKind kind, HttpStatusCode status, string code)
    {
        // Proves each failure outcome of the gateway becomes its documented status and code, with Retry-After on 503.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);
        gateway.FailNext(1, kind);

        using var response = await server.Http.PutAsync("v1/kv/a", new StringContent("x"));
        var body = await Json.AssertErrorAsync(response, status, code);
        Assert.Equal("fake " + kind, body.GetProperty("error").GetString());
        Assert.Equal(status == HttpStatusCode.ServiceUnavailable, response.Headers.RetryAfter is not null);
    }

    private static async Task SendAsync(HttpApiServer server, HttpMethod method, string path, string requestId, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("Synod-Request-Id", requestId);
        using var response = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
