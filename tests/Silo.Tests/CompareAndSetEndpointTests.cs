using System.Net;
using System.Text;
using System.Text.Json;
using Synod.Silo.Tests.Harness;

namespace Synod.Silo.Tests;

public sealed class CompareAndSetEndpointTests
{
    [Fact]
    public async Task A_matching_expectation_replaces_the_value()
    {
        // Proves a CAS whose expectedText holds answers 200 {"index"} and stores valueText.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);
        (await server.Http.PutAsync("v1/kv/k", new StringContent("old"))).Dispose();

        using var response = await PostAsync(server, """{"expectedText": "old", "valueText": "new"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2UL, (await Json.ReadAsync(response)).GetProperty("index").GetUInt64());
        Assert.Equal("new", Encoding.UTF8.GetString(gateway.Peek("k")!));
    }

    [Fact]
    public async Task A_mismatch_is_409_with_the_current_value_in_base64_and_text()
    {
        // Proves a CAS whose expectation fails answers 409 cas_mismatch carrying the current value both ways.
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway());
        (await server.Http.PutAsync("v1/kv/k", new StringContent("actual"))).Dispose();

        using var response = await PostAsync(server, """{"expected": "b3RoZXI=", "value": "bmV3"}""");
        var body = await Json.AssertErrorAsync(response, HttpStatusCode.Conflict, "cas_mismatch");
        Assert.Equal(Encoding.UTF8.GetBytes("actual"), body.GetProperty("current").GetBytesFromBase64());
        Assert.Equal("actual", body.GetProperty("currentText").GetString());
    }

    [Fact]
    public async Task A_mismatch_on_an_absent_key_says_current_null()
    {
        // Proves the 409 for an absent key carries "current": null explicitly and no currentText.
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway());

        using var response = await PostAsync(server, """{"expectedText": "x", "delete": true}""");
        var body = await Json.AssertErrorAsync(response, HttpStatusCode.Conflict, "cas_mismatch");
        Assert.Equal(JsonValueKind.Null, body.GetProperty("current").ValueKind);
        Assert.False(body.TryGetProperty("currentText", out _));
    }

    [Fact]
    public async Task Binary_current_value_has_no_text_form()
    {
        // Proves currentText is left out when the current value is not valid UTF-8.
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway());
        (await server.Http.PutAsync("v1/kv/k", new ByteArrayContent([0xff, 0xfe]))).Dispose();

        using var response = await PostAsync(server, """{"expectedAbsent": true, "valueText": "x"}""");
        var body = await Json.AssertErrorAsync(response, HttpStatusCode.Conflict, "cas_mismatch");
        Assert.Equal([0xff, 0xfe], body.GetProperty("current").GetBytesFromBase64());
        Assert.False(body.TryGetProperty("currentText", out _));
    }

    [Fact]
    public async Task Create_if_absent_then_delete_if_equal()
    {
        // Proves expectedAbsent creates a missing key and delete: true removes a key that matches.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);

        (await PostAsync(server, """{"expectedAbsent": true, "valueText": "v"}""")).EnsureSuccessStatusCode().Dispose();
        Assert.Equal("v", Encoding.UTF8.GetString(gateway.Peek("k")!));
        (await PostAsync(server, """{"expected": "dg==", "delete": true}""")).EnsureSuccessStatusCode().Dispose();
        Assert.Null(gateway.Peek("k"));
    }

    [Theory]
    [InlineData("""{"valueText": "v"}""", "cas_invalid")]
    [InlineData("""{"expectedText": "a", "expectedAbsent": true, "valueText": "v"}""", "cas_invalid")]
    [InlineData("""{"expected": null, "valueText": "v"}""", "cas_invalid")]
    [InlineData("""{"expectedAbsent": true}""", "cas_invalid")]
    [InlineData("""{"expectedAbsent": true, "value": "dg==", "delete": true}""", "cas_invalid")]
    [InlineData("""{"expectedAbsent": true, "value": "not base64!"}""", "body_invalid")]
    [InlineData("""{"expectedAbsent": true, "valueText": "v", "expect": "typo"}""", "body_invalid")]
    [InlineData("""{"expectedAbsent": true, "valueText": "\ud800"}""", "body_invalid")]
    [InlineData("""[1, 2]""", "body_invalid")]
    [InlineData("""null""", "body_invalid")]
    [InlineData("", "body_invalid")]
    [InlineData("expectedAbsent=true", "body_invalid")]
    public async Task Malformed_requests_are_400_and_never_reach_the_gateway(string body, string code)
    {
        // Proves each way of getting the CAS body wrong is a 400 with a precise code, and nothing is proposed.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);

        using var response = await PostAsync(server, body);
        var error = await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, code);
        Assert.DoesNotContain("System.", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(gateway.Calls);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpApiServer server, string json) =>
        server.Http.PostAsync("v1/kv/k/cas", new StringContent(json, Encoding.UTF8, "application/json"));
}
