using System.Net;
using Synod.Silo.Gateway;
using Synod.Silo.Http;
using Synod.Silo.Tests.Harness;

namespace Synod.Silo.Tests;

public sealed class FenceHeaderTests
{
    [Fact]
    public async Task A_write_with_a_lower_token_than_one_seen_is_409_fenced_and_changes_nothing()
    {
        // Proves PUT, DELETE and CAS pass Synod-Fence to the gateway, and a lower token than one seen is 409 fenced while the value stays.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);

        using (var put = Request(HttpMethod.Put, "v1/kv/k", "new holder", "jobs:7"))
        {
            Assert.Equal(HttpStatusCode.OK, (await server.Http.SendAsync(put)).StatusCode);
        }

        using var stalePut = await server.Http.SendAsync(Request(HttpMethod.Put, "v1/kv/k", "stale", "jobs:6"));
        await Json.AssertErrorAsync(stalePut, HttpStatusCode.Conflict, "fenced");
        using var staleDelete = await server.Http.SendAsync(Request(HttpMethod.Delete, "v1/kv/k", null, "jobs:6"));
        await Json.AssertErrorAsync(staleDelete, HttpStatusCode.Conflict, "fenced");
        using var staleCas = await server.Http.SendAsync(Request(HttpMethod.Post, "v1/kv/k/cas", """{"expectedText":"new holder","valueText":"x"}""", "jobs:6"));
        await Json.AssertErrorAsync(staleCas, HttpStatusCode.Conflict, "fenced");

        Assert.Equal("new holder", System.Text.Encoding.UTF8.GetString(gateway.Peek("k")!));
        Assert.Equal([new KeyValueFence("jobs", 7), new KeyValueFence("jobs", 6), new KeyValueFence("jobs", 6), new KeyValueFence("jobs", 6)], gateway.Fences.ToArray());
    }

    [Theory]
    [InlineData("jobs")]
    [InlineData("jobs:")]
    [InlineData(":5")]
    [InlineData("jobs:0")]
    [InlineData("jobs:007")]
    [InlineData("jobs:18446744073709551616")]
    [InlineData("jobs:-1")]
    [InlineData("jobs:1x")]
    [InlineData("%FF:1")]
    [InlineData("%G0:1")]
    public async Task A_malformed_fence_is_400_fence_invalid_and_not_written(string header)
    {
        // Proves every malformed Synod-Fence (no token, empty name, zero, leading zeros, overflow, bad percent-encoding, not UTF-8) is refused before the gateway.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);

        using var response = await server.Http.SendAsync(Request(HttpMethod.Put, "v1/kv/k", "v", header));
        await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "fence_invalid");
        Assert.Empty(gateway.Calls);
    }

    [Fact]
    public void Names_are_percent_decoded_and_split_at_the_last_colon()
    {
        // Proves a name may hold ':' and encoded bytes, and the token is the part after the last ':'.
        Assert.Equal(new KeyValueFence("a:b", 12), FenceHeader.Parse("a:b:12"));
        Assert.Equal(new KeyValueFence("ключ/x", 18446744073709551615), FenceHeader.Parse(Uri.EscapeDataString("ключ/x") + ":18446744073709551615"));
        Assert.Null(FenceHeader.Parse(new string('n', 257) + ":1"));
        Assert.NotNull(FenceHeader.Parse(new string('n', 256) + ":1"));
    }

    [Fact]
    public async Task A_fence_given_twice_is_refused()
    {
        // Proves two Synod-Fence headers are a 400 rather than one silently chosen.
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway());
        using var request = Request(HttpMethod.Put, "v1/kv/k", "v", "a:1");
        request.Headers.TryAddWithoutValidation(FenceHeader.Name, "a:2");

        using var response = await server.Http.SendAsync(request);
        await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, "fence_invalid");
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string? body, string fence)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body);
        }

        request.Headers.TryAddWithoutValidation(FenceHeader.Name, fence);
        return request;
    }
}
